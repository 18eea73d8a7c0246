/// `/__demo/echo`: what the demo CRM received, as JSON, so tests can see what a proxy forwarded.
enum DemoEcho {
    static func respond(_ request: DemoRequest) -> DemoResponse {
        let headers: [DemoJSON.Value] = request.headers.map { .array([.string($0.name), .string($0.value)]) }
        return .json(
            DemoJSON.render(
                .object([
                    ("method", .string(request.method)),
                    ("target", .string(request.target)),
                    ("version", .string(request.version)),
                    ("tenant", .string(request.tenant)),
                    ("headers", .array(headers)),
                    ("body_length", .number(request.bodyLength)),
                    ("body", .string(String(decoding: request.body, as: UTF8.self))),
                ])
            )
        )
    }
}
