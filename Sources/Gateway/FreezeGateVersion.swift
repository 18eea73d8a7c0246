/// The version `freezegate --version` prints (semantic versioning; raised with each release in
/// CHANGELOG.md).
package enum FreezeGateVersion {
    package static let current = "0.7.0"
}
