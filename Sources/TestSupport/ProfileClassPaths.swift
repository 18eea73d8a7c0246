/// A path of each class of the default (AlfaCRM) routing profile, shared by the end-to-end tests
/// over HTTP/1.1 in process and over HTTP/2 as a process.
public enum ProfileClassPaths {
    /// A path of each class of the default profile, and whether a frozen/expired tenant's request
    /// of that class reaches the upstream.
    public static let alfaCRM: [(path: String, requestClass: String, forwardedWhenFrozen: Bool)] = [
        ("/company/1/dashboard", "admin", false),
        ("/company/7/customers?page=2", "admin", false),
        ("/company/1/licensing", "licensing", true),
        ("/company/7/licensing/pay", "licensing", true),
        ("/teacher/1/journal", "teacher", false),
        ("/customer/1/schedule", "client", true),
        ("/v2api/1/customer/index", "api", true),
        ("/api/1/payment", "webhook", true),
        ("/", "public", true),
        ("/login", "public", true),
        ("/assets/app.js", "public", true),
        ("/favicon.ico", "public", true),
        ("/somewhere/else", "unknown", false),
    ]
}
