// The Migrator module.
