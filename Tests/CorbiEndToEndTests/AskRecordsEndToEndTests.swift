import Foundation
import GRDB
import Testing

/// Questions about the organization's records through the built binary: for each one,
/// the `command` that `ask --json` names is run as written (split by a real shell) for the
/// same member, and the answer must agree with that command's own `--json` output.
@Suite struct AskRecordsEndToEndTests {
    static let staff = "s@a.example"
    static let viewer = "v@a.example"

    /// Organization A (Europe/Berlin) with staff and a viewer, contacts, bookings tomorrow
    /// and next week, a suppression, an inbound message and outbound messages written
    /// today; organization B with Carl Braun.
    struct Workspace {
        var corbi: CorbiBinary
        let berlin = TimeZone(identifier: "Europe/Berlin")!

        init() throws {
            corbi = try CorbiBinary()
            try FileManager.default.createDirectory(at: corbi.kb, withIntermediateDirectories: true)
            try corbi.write("policies.md", "# Policies\n\nPlease cancel at least 24 hours before your appointment.\n")
            let admin = ["CORBI_USER": "a@a.example"]
            let setup: [[String]] = [
                ["init", "--org", "A", "--domain", "a.example", "--admin", "a@a.example", "--timezone", "Europe/Berlin"],
                ["init", "--org", "B", "--domain", "b.example", "--admin", "b@b.example"],
            ]
            for args in setup { #expect(try corbi.run(args).status == 0) }
            #expect(try corbi.run(["contacts", "add", "--name", "Carl Braun", "--phone", "+49 160 5550000"], as: "b@b.example").status == 0)
            let steps: [[String]] = [
                ["members", "add", staff, "--role", "staff"],
                ["members", "add", viewer, "--role", "viewer"],
                ["contacts", "add", "--name", "Anna Müller", "--phone", "+49 170 1234567", "--email", "anna@example.com", "--tag", "recall"],
                ["contacts", "add", "--name", "Ben Weber", "--phone", "+49 171 7654321", "--tag", "recall", "--tag", "vip"],
                ["contacts", "add", "--name", "Zoë Fischer", "--email", "zoe@example.com"],
                ["contacts", "add", "--name", "Jonas O'Neill", "--email", "jonas@example.com", "--tag", "recall-2024"],
                ["book", "Anna Müller", "tomorrow", "9:30", "--title", "Cleaning", "--location", "Room 1"],
                ["book", "Ben Weber", "tomorrow", "11:00", "--title", "Check-up"],
                ["book", "Zoë Fischer", Self.day(of: Self.nextWeekTuesday(), in: berlin), "15:00", "--title", "Follow-up"],
                ["suppressions", "add", "whatsapp", "+49 171 7654321", "--reason", "opt-out"],
                ["inbound", "record", "whatsapp", "+49 170 1234567", "See you tomorrow!"],
            ]
            for args in steps {
                let r = try corbi.run(args, environment: admin)
                #expect(r.status == 0, "\(args): \(r.stderr)")
            }
            try writeOutboundMessages()
        }

        /// Failed and pending messages, as a dispatcher would leave them (sending is not
        /// what these tests are about): two failed today, one failed a week ago, one pending.
        func writeOutboundMessages() throws {
            let queue = try DatabaseQueue(path: corbi.databasePath)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = berlin
            let startOfToday = calendar.startOfDay(for: Date())
            try queue.write { db in
                let org = try Int64.fetchOne(db, sql: "SELECT id FROM organization WHERE domain = 'a.example'")!
                func contact(_ name: String) throws -> Int64 {
                    try Int64.fetchOne(db, sql: "SELECT id FROM contact WHERE fullName = ?", arguments: [name])!
                }
                let rows: [(String, Date, String, String?)] = [
                    ("Anna Müller", startOfToday.addingTimeInterval(60), "failed", "number not on WhatsApp"),
                    ("Ben Weber", startOfToday.addingTimeInterval(120), "failed", "blocked"),
                    ("Anna Müller", startOfToday.addingTimeInterval(-7 * 86_400), "failed", "timeout"),
                    ("Zoë Fischer", Date().addingTimeInterval(86_400), "pending", nil),
                ]
                for (name, at, status, error) in rows {
                    try db.execute(
                        sql: """
                            INSERT INTO outboundMessage (organizationId, contactId, channel, body, variables, scheduledFor, status,
                              retryCount, error, traceId, createdAt, updatedAt)
                            VALUES (?, ?, 'whatsapp', 'Hello', '{}', ?, ?, 0, ?, ?, ?, ?)
                            """,
                        arguments: [org, try contact(name), at, status, error, UUID().uuidString, at, at])
                }
            }
        }

        static func nextWeekTuesday() -> Date {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Europe/Berlin")!
            let today = calendar.startOfDay(for: Date())
            let sinceMonday = (calendar.component(.weekday, from: today) + 5) % 7
            return calendar.date(byAdding: .day, value: 7 - sinceMonday + 1, to: today)!.addingTimeInterval(12 * 3600)
        }

        static func day(of date: Date, in zone: TimeZone) -> String {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = zone
            f.dateFormat = "yyyy-MM-dd"
            return f.string(from: date)
        }

        /// `ask QUESTION --json` as `user`.
        func ask(_ question: String, as user: String = staff) throws -> (json: [String: Any], status: Int32) {
            let r = try corbi.run(["ask", question, "--json"], as: user)
            return (try #require(r.json, "\(question): \(r.stdout) \(r.stderr)"), r.status)
        }

        /// The command, split into words by /bin/sh as a user's shell would, run with `--json`.
        func run(command: String, as user: String) throws -> CorbiBinary.Result {
            let split = Process()
            split.executableURL = URL(fileURLWithPath: "/bin/sh")
            split.arguments = ["-c", "eval \"set -- $1\"; for word; do printf '%s\\0' \"$word\"; done", "sh", command]
            let out = Pipe()
            split.standardOutput = out
            try split.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            split.waitUntilExit()
            let words = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            #expect(!words.isEmpty && split.terminationStatus == 0, "\(command)")
            return try corbi.run(words + ["--json"], as: user)
        }
    }

    /// Checks that `answer` agrees with what `command` printed as JSON.
    static func agree(_ question: String, answer: String, command: String, output: [String: Any]) {
        let context = "\(question) -> \(command): \(answer)"
        func leadingCount() -> Int? {
            if answer.hasPrefix("No ") { return 0 }
            return Int(answer.prefix { $0.isNumber })
        }
        if command.hasPrefix("bookings list") {
            let bookings = output["bookings"] as? [[String: Any]] ?? []
            if command.contains("--upcoming"), let first = bookings.first {
                #expect(answer.contains(first["contactName"] as? String ?? "?") && answer.contains(first["title"] as? String ?? "?"), "\(context)")
            } else {
                #expect(leadingCount() == bookings.count, "\(context)")
                for b in bookings {
                    #expect(answer.contains(b["contactName"] as? String ?? "?") && answer.contains(b["title"] as? String ?? "?"), "\(context)")
                    // The start's wall time, as the answer shows it in the organization's zone.
                    let start = b["start"] as? String ?? ""
                    #expect(answer.contains(String(start.prefix(16)).replacingOccurrences(of: "T", with: " ")), "\(context)")
                }
            }
        } else if command.hasPrefix("contacts show") {
            for key in ["phoneWhatsapp", "email"] {
                if let value = output[key] as? String, answer.contains("\(key == "email" ? "email address" : "WhatsApp number") is") {
                    #expect(answer.contains(value), "\(context)")
                }
            }
            #expect(answer.contains(output["fullName"] as? String ?? "?"), "\(context)")
            if answer.contains("last in touch"), let last = output["lastInboundAt"] as? String {
                #expect(answer.contains(String(last.prefix(16)).replacingOccurrences(of: "T", with: " ")), "\(context)")
            }
        } else if command.hasPrefix("outbox list") {
            let messages = output["messages"] as? [[String: Any]] ?? []
            #expect(leadingCount() == messages.count, "\(context)")
            for m in messages { #expect(answer.contains("#\(m["id"] as? Int ?? -1) "), "\(context)") }
        } else if command.hasPrefix("suppressions list") {
            let identifiers = (output["suppressions"] as? [[String: Any]] ?? []).compactMap { $0["identifier"] as? String }
            let named = identifiers.filter { answer.contains($0) }
            #expect(answer.hasPrefix("Yes") == !named.isEmpty, "\(context)")
            if answer.hasPrefix("Yes") { #expect(answer.contains("is suppressed"), "\(context)") }
        } else if command.hasPrefix("contacts list") {
            let contacts = output["contacts"] as? [[String: Any]] ?? []
            #expect(leadingCount() == output["total"] as? Int, "\(context)")
            for c in contacts { #expect(answer.contains(c["fullName"] as? String ?? "?"), "\(context)") }
        } else if command.hasPrefix("inbound list") {
            for m in output["messages"] as? [[String: Any]] ?? [] {
                let text = (m["payload"] as? [String: Any])?["text"] as? String ?? "?"
                #expect(answer.contains(text), "\(context)")
            }
        } else {
            Issue.record("no check for \(command)")
        }
    }

    static let questions = [
        "Who is booked tomorrow?",
        "What is Anna Müller's phone number?",
        "what's Jonas's email?",
        "How many messages failed today?",
        "Is Ben suppressed on WhatsApp?",
        "Is Anna suppressed on WhatsApp?",
        "When was Anna last in touch?",
        "Which appointments does Zoë have next week?",
        "How many contacts are tagged recall?",
        "Is there anything pending in the outbox?",
        "When is Anna's next appointment?",
        "What did Anna last write?",
        "any failed messages?",
    ]

    @Test func everyAnswerAgreesWithTheCommandItNames() throws {
        let w = try Workspace()
        defer { w.corbi.remove() }
        for question in Self.questions {
            let (json, status) = try w.ask(question)
            #expect(status == 0, "\(question)")
            #expect(Set(json.keys) == ["question", "answered", "answer", "confidence", "citations", "command"])
            #expect(json["answered"] as? Bool == true && json["confidence"] as? Double == 1, "\(question)")
            #expect((json["citations"] as? [Any])?.isEmpty == true)
            let command = try #require(json["command"] as? String, "\(question)")
            let answer = json["answer"] as? String ?? ""
            for user in [Self.staff, Self.viewer] {
                let r = try w.run(command: command, as: user)
                #expect(r.status == 0, "\(command) as \(user): \(r.stderr)")
                Self.agree(question, answer: answer, command: command, output: try #require(r.json, "\(command)"))
            }
            // A viewer reads the same records and gets the same answer.
            let (viewerJSON, _) = try w.ask(question, as: Self.viewer)
            #expect(viewerJSON["answer"] as? String == answer && viewerJSON["command"] as? String == command, "\(question)")
        }
        // Jonas O'Neill's tag is recall-2024, not recall: whole tags only.
        let recall = try w.ask("How many contacts are tagged recall?").json
        #expect(recall["answer"] as? String == "2 contacts are tagged recall: Anna Müller, Ben Weber.")
        #expect(recall["command"] as? String == "contacts list --tag recall")
        #expect(try w.ask("what's Jonas's email?").json["command"] as? String == "contacts show \"Jonas O'Neill\"")
        #expect(try w.ask("How many messages failed today?").json["command"] as? String == "outbox list --status failed --from today --to today")
    }

    @Test func anotherOrganizationsContactIsNeverFound() throws {
        let w = try Workspace()
        defer { w.corbi.remove() }
        let (json, status) = try w.ask("What is Carl Braun's phone number?")
        #expect(status == 1)
        #expect(json["answered"] as? Bool == false)
        #expect(json["answer"] as? String == "No contact matches 'Carl Braun'.")
        let command = try #require(json["command"] as? String)
        let r = try w.run(command: command, as: Self.staff)
        #expect(r.status == 66)
        #expect((r.json?["error"] as? [String: Any])?["message"] as? String == "No contact matches 'Carl Braun'.")
        let theirs = try w.ask("What is Carl Braun's phone number?", as: "b@b.example")
        #expect(theirs.status == 0 && theirs.json["answer"] as? String == "Carl Braun's WhatsApp number is +491605550000.")
        // The bookings of A never show B's contact either.
        #expect(try w.ask("Which appointments does Carl Braun have next week?").json["answered"] as? Bool == false)
    }

    @Test func textOutputShowsTheCommandAndTheShellAnswersToo() throws {
        let w = try Workspace()
        defer { w.corbi.remove() }
        let text = try w.corbi.run(["ask", "who is booked tomorrow?"], as: Self.staff)
        #expect(text.status == 0)
        #expect(text.stdout.contains("Anna Müller") && text.stdout.hasSuffix("Command: bookings list --from tomorrow --to tomorrow\n"))
        let shell = try w.corbi.run([], as: Self.viewer, stdin: "what is Anna Müller's phone number?\n/contacts list --tag recall\n")
        #expect(shell.status == 0, "\(shell.stderr)")
        #expect(shell.stdout.contains("Anna Müller's WhatsApp number is +491701234567."))
        #expect(shell.stdout.contains("Ben Weber"))
        let knowledge = try w.ask("When should I cancel my appointment?")
        #expect(knowledge.json["command"] is NSNull)
        #expect(try w.corbi.run(["outbox", "list", "--from", "tomorrow", "--to", "today"], as: Self.staff).status == 65)
    }
}
