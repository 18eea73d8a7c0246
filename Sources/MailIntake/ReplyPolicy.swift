import Foundation

/// RFC 3834: an automatic reply is never sent to automatic mail (Auto-Submitted other than "no"),
/// mailing lists, bulk mail or bounces (empty Return-Path, mailer-daemon, delivery reports).
public enum ReplyPolicy {
    public static func mayReply(to headers: MailHeaders, from: MailAddress) -> Bool {
        if let autoSubmitted = headers.first("Auto-Submitted"),
            autoSubmitted.trimmingCharacters(in: .whitespaces).lowercased().split(separator: ";").first != "no"
        {
            return false
        }
        if let precedence = headers.first("Precedence")?.trimmingCharacters(in: .whitespaces).lowercased(),
            ["bulk", "list", "junk"].contains(precedence)
        {
            return false
        }
        for listHeader in ["List-Id", "List-Unsubscribe", "List-Post", "List-Help"]
        where headers.first(listHeader) != nil {
            return false
        }
        if let suppress = headers.first("X-Auto-Response-Suppress")?.lowercased(),
            suppress.contains("all") || suppress.contains("autoreply")
        {
            return false
        }
        if let returnPath = headers.first("Return-Path"), returnPath.filter({ !$0.isWhitespace }) == "<>" {
            return false
        }
        let local = from.localPart.lowercased()
        for robot in ["mailer-daemon", "postmaster", "noreply", "no-reply", "do-not-reply", "donotreply"]
        where local == robot || local.hasPrefix(robot + "+") {
            return false
        }
        if ContentType(parsing: headers.first("Content-Type")).mimeType == "multipart/report" { return false }
        return true
    }
}
