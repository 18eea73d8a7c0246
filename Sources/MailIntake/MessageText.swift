import Foundation

/// The text a person wrote in a message, as the request is read from it: the text/plain
/// alternative (else the HTML one as text) of every inline part, forwarded messages included,
/// attachments left out.
public enum MessageText {
    public static func readable(_ entity: MIMEEntity) -> String {
        let type = entity.contentType
        if entity.isAttachment { return "" }
        switch type.type {
        case "multipart":
            if type.subtype == "alternative" {
                let plain = entity.children.first { $0.contentType.mimeType == "text/plain" }
                let html = entity.children.first { $0.contentType.mimeType == "text/html" }
                if let plain { return readable(plain) }
                if let html { return readable(html) }
                return entity.children.first.map(readable) ?? ""
            }
            return entity.children.map(readable).filter { !$0.isEmpty }.joined(separator: "\n")
        case "message":
            guard let inner = entity.children.first else { return "" }
            let subject = inner.headers.decoded("Subject").map { "Subject: \($0)\n" } ?? ""
            return subject + readable(inner)
        case "text":
            let text = entity.text.replacingOccurrences(of: "\r\n", with: "\n")
            // HTML is cut before it is converted: its markup can be many times the text it holds.
            return type.subtype == "html" ? HTMLText.text(of: String(text.prefix(512_000))) : text
        default:
            return ""
        }
    }
}
