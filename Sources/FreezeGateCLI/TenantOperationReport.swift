import Gateway

/// What a `freezegate tenant` subcommand reports after it ran: a one-line summary and the tenant as it is now.
struct TenantOperationReport {
    var operation: String
    var summary: String?
    var freezeID: Int64?
    var details: TenantDetails

    func print(json: Bool) {
        if json {
            var object: [String: Any] = ["operation": operation, "tenant": details.jsonObject]
            if let freezeID { object["freeze_id"] = Int(freezeID) }
            TenantOutput.printJSON(object)
        } else {
            TenantOutput.printText((summary.map { $0 + "\n\n" } ?? "") + details.humanText)
        }
    }
}
