// The TenantState module; its types arrive with their issue.
