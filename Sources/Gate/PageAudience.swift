/// Who reads a blocked page: the school's administrator (the admin section, whose users can pay
/// and ask for a freeze to end) or a teacher (who can only ask the administrator).
public enum PageAudience: String, Sendable, Hashable {
    case admin
    case teacher

    /// A class with the Licensing link is the administrator's interface; every other blocked
    /// class (teacher, unknown paths, a profile's own) gets the page that sends its reader to the
    /// school's administrator, which is right for anyone who is not one.
    static func of(_ requestClass: RequestClass) -> PageAudience {
        requestClass.licensingLink ? .admin : .teacher
    }
}
