import Foundation
import Testing

/// Text from outside never reaches the terminal with its control characters, and JSON
/// Corbi stores it can print.
@Suite struct HostileTextEndToEndTests {
    static let title = "\u{1B}]0;pwned\u{07}"
    static let clear = "\u{1B}[2J\u{1B}[8m"

    @Test func messagesFilesAndAnswersArePrintedWithoutControls() throws {
        let w = try CorbiBinary()
        defer { w.remove() }
        #expect(try w.run("init", "--org", "A", "--domain", "a.example", "--admin", "a@a.example").status == 0)
        #expect(try w.run("inbound", "record", "telegram", "987654", "Hi \(Self.title) there \(Self.clear)").status == 0)
        try w.write("parking.md", "# Parking\n\nThe car park \(Self.clear)is free for patients\u{9B}31m all day.\n")
        for arguments in [["inbound", "list"], ["ask", "Is", "the", "car", "park", "free?"], ["kb", "search", "car", "park"]] {
            let r = try w.run(arguments)
            #expect(!(r.stdout + r.stderr).unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{9B}" }, "\(arguments)")
        }
        let shell = try w.run([], stdin: "Is the car park free?\n/cite 1\n")
        #expect(!(shell.stdout + shell.stderr).contains("\u{1B}"))
        #expect(shell.stdout.contains("\u{241B}[2J"))
        // JSON keeps the text, escaped.
        let json = try w.run("inbound", "list", "--json")
        let messages = json.json?["messages"] as? [[String: Any]]
        let payload = messages?.first?["payload"] as? [String: Any]
        #expect((payload?["text"] as? String)?.contains("\u{1B}]0;pwned") == true)
    }

    @Test func deepJSONIsRefusedOrKeptPrintable() throws {
        let w = try CorbiBinary()
        defer { w.remove() }
        #expect(try w.run("init", "--org", "A", "--domain", "a.example", "--admin", "a@a.example").status == 0)
        let deepObject = String(repeating: #"{"a":"#, count: 511) + "1" + String(repeating: "}", count: 511)
        let deepArray = #"{"a":"# + String(repeating: "[", count: 511) + String(repeating: "]", count: 511) + "}"
        for payload in [deepObject, deepArray] {
            let r = try w.run("inbound", "record", "telegram", "987654", "--payload", payload)
            #expect(r.status == 65, "\(r.stderr)")
        }
        let list = try w.run("inbound", "list", "--json")
        #expect(list.status == 0 && list.json != nil)
    }
}
