import ArgumentParser
import Gateway
import Testing

@testable import FreezeGateCLI

/// `serve`'s command line read against the catalog; no I/O.
struct ServeArgumentsTests {
    @Test func valuesFollowTheirFlagOrAnEqualsSign() throws {
        let given = try ServeArguments.parse([
            "--listen", "0.0.0.0:80", "--upstream=http://a:1", "--upstream", "http://b:2", "--proxy-protocol",
            "--listen=0.0.0.0:81", "--access-log", "-",
        ])
        #expect(given["listen"] == ["0.0.0.0:80", "0.0.0.0:81"])
        #expect(given["upstream"] == ["http://a:1", "http://b:2"])
        #expect(given["proxy_protocol"] == ["true"])
        #expect(given["access_log"] == ["-"])
        #expect(given["tls_listen"] == nil)
        #expect(try ServeArguments.parse(["--proxy-protocol=false"])["proxy_protocol"] == ["false"])
    }

    @Test(arguments: [
        (["--frobnicate"], "Unknown option '--frobnicate'"),
        (["--frobnicate=1"], "Unknown option '--frobnicate'"),
        (["listen"], "Unexpected argument 'listen'"),
        (["--listen"], "Missing value for '--listen HOST:PORT'"),
        (["--listen", "--admin-listen", "x:1"], "Missing value for '--listen HOST:PORT'"),
    ])
    func aBadCommandLineIsNamed(words: [String], message: String) {
        let error = #expect(throws: ValidationError.self) { try ServeArguments.parse(words) }
        #expect(error?.message == message)
    }

    /// ArgumentParser passes the settings through untouched, and still reads `--print-config`.
    @Test func theCommandHandsTheSettingsOver() throws {
        let command = try ServeCommand.parse(["--listen", "127.0.0.1:1", "--print-config", "--base-domain=a.example"])
        #expect(command.printConfig)
        #expect(command.settingArguments == ["--listen", "127.0.0.1:1", "--base-domain=a.example"])
    }
}
