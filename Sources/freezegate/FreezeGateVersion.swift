/// The version `freezegate --version` prints (semantic versioning; raised with each release in
/// CHANGELOG.md).
enum FreezeGateVersion {
    static let current = "0.7.0"
}
