import ArgumentParser
import CorbiCore
import CorbiWorkspace
import Foundation

/// Tab completion for the shell, independent of readline: commands, subcommands and
/// options (from the ArgumentParser command tree), contact names, template names,
/// organization domains and citation numbers.
public final class Completer: @unchecked Sendable {
    /// What completing a word gave.
    public enum Result: Equatable, Sendable {
        /// These words (not yet filtered by what was typed).
        case candidates([String])
        /// A file name: readline's own file completion.
        case files
        /// Nothing to offer.
        case nothing
    }

    /// Contact names starting with a prefix.
    public var contactNames: (String) -> [String]
    /// Template names starting with a prefix.
    public var templateNames: (String) -> [String]
    /// The variables of the template with this name (for `/draft CONTACT TEMPLATE name=`).
    public var templateVariables: (String) -> [String]
    /// The domains of the user's organizations.
    public var organizationDomains: () -> [String]
    /// The numbers of the last answer's citations.
    public var citationNumbers: () -> [String]

    public init(
        contactNames: @escaping (String) -> [String] = { _ in [] },
        templateNames: @escaping (String) -> [String] = { _ in [] },
        templateVariables: @escaping (String) -> [String] = { _ in [] },
        organizationDomains: @escaping () -> [String] = { [] },
        citationNumbers: @escaping () -> [String] = { [] }
    ) {
        self.contactNames = contactNames
        self.templateNames = templateNames
        self.templateVariables = templateVariables
        self.organizationDomains = organizationDomains
        self.citationNumbers = citationNumbers
    }

    /// A completer reading names from the session (through `guarded`, which keeps a slow
    /// database from hanging the terminal).
    public convenience init(session: Session, guarded: @escaping (@escaping @Sendable () -> [String]) -> [String]) {
        self.init(
            contactNames: { prefix in
                guarded { (try? session.database().contactNames(try session.actor(), prefix: prefix)) ?? [] }
            },
            templateNames: { prefix in
                guarded { (try? session.database().templateNames(try session.actor(), prefix: prefix)) ?? [] }
            },
            templateVariables: { name in
                guarded { (try? session.database().templateVariables(try session.actor(), name: name)) ?? [] }
            },
            organizationDomains: {
                guarded {
                    guard let user = try? session.actorUser(), let id = user.id,
                        let memberships = try? session.database().memberships(userId: id)
                    else { return [] }
                    return memberships.map(\.0.domain)
                }
            },
            citationNumbers: { guarded { session.lastCitations.map { String($0.n) } } })
    }

    /// Completes `word`, the word under the cursor, given the text of the line before it.
    /// The candidates are filtered: they start with `word` (names ignoring case).
    public func complete(before: String, word: String) -> Result {
        switch rawComplete(before: before, word: word) {
        case .candidates(let all):
            let folded = word.lowercased()
            var seen = Set<String>()
            // A name with control characters is never offered: readline would print it raw.
            let matching = all.filter {
                $0.lowercased().hasPrefix(folded) && !$0.unicodeScalars.contains(where: TerminalText.needsReplacing)
                    && seen.insert($0).inserted
            }
            return matching.isEmpty ? .nothing : .candidates(matching)
        case let other:
            return other
        }
    }

    private func rawComplete(before: String, word: String) -> Result {
        let head = before.drop(while: { $0 == " " || $0 == "\t" })
        if head.isEmpty {
            // The first word: a command if it starts with a slash; else a question.
            return word.hasPrefix("/") ? .candidates(ShellInterpreter.commandNames.map { "/" + $0 }) : .nothing
        }
        guard head.hasPrefix("/") else { return .nothing }
        let typed = Self.lenientSplit(String(head.dropFirst()))
        var words = GlobalArguments.splitLeading(typed).rest
        guard !words.isEmpty else { return .candidates(ShellInterpreter.commandNames) }
        let name = words.removeFirst()
        switch name {
        case "help":
            if words.isEmpty { return .candidates(ShellInterpreter.commandNames) }
            if words.count == 1, let type = Self.command(named: words[0]) {
                return .candidates(type.configuration.subcommands.map { $0._commandName })
            }
            return .nothing
        case "cite":
            return words.isEmpty ? .candidates(citationNumbers()) : .nothing
        case "sources", "quit", "exit":
            return .nothing
        default:
            break
        }
        guard var type = Self.command(named: name) else { return .nothing }
        var path = [name]
        while let next = words.first, let sub = type.configuration.subcommands.first(where: { $0._commandName == next }) {
            type = sub
            path.append(next)
            words.removeFirst()
        }
        let options = CommandTree.options(of: type)
        // Whether an option takes a value, as the command declares it.
        func takesValue(_ word: String) -> Bool {
            let name = String(word.split(separator: "=", maxSplits: 1).first ?? "")
            if word.contains("=") { return false }
            return options.first(where: { $0.name == name })?.takesValue ?? false
        }
        if let previous = words.last, previous.hasPrefix("--"), takesValue(previous),
            let option = options.first(where: { $0.name == previous })
        {
            return valueCompletion(option)
        }
        if word.hasPrefix("-") { return .candidates(options.map(\.name)) }
        // The positional arguments already typed, skipping options and their values.
        var positionals: [String] = []
        var index = 0
        while index < words.count {
            let w = words[index]
            if w.hasPrefix("-") {
                index += takesValue(w) ? 2 : 1
            } else {
                positionals.append(w)
                index += 1
            }
        }
        // A group at any depth (`/contacts conflicts `) offers its subcommands.
        if !type.configuration.subcommands.isEmpty && positionals.isEmpty {
            var candidates = type.configuration.subcommands.map { $0._commandName }
            if path == ["org"] { candidates += organizationDomains() }
            return .candidates(candidates)
        }
        return positionalCompletion(path + positionals, word: word)
    }

    /// What the next positional argument is, given the command path and the positionals
    /// typed so far (`draft "Anna Müller"` → a template name).
    private func positionalCompletion(_ typed: [String], word: String) -> Result {
        switch typed {
        case ["contacts", "show"], ["contacts", "update"], ["contacts", "delete"], ["book"], ["draft"], ["contacts", "merge"]:
            return .candidates(contactNames(word))
        case _ where typed.count == 3 && typed.starts(with: ["contacts", "merge"]):
            return .candidates(contactNames(word))
        case _ where typed.count == 2 && typed[0] == "draft":
            return .candidates(templateNames(word))
        case _ where typed.count >= 3 && typed[0] == "draft":
            // After the template: its variables, as `name=`.
            return .candidates(templateVariables(typed[2]).map { $0 + "=" })
        case ["contacts", "import"]:
            return .files
        case _ where typed.count == 2 && typed[0] == "templates" && !["add", "list"].contains(typed[1]):
            return .candidates(templateNames(word))
        default:
            return .nothing
        }
    }

    /// The values of an option: those its type declares (channels, statuses, roles), names
    /// from the database for the options that name records, files for paths.
    private func valueCompletion(_ option: CommandTree.Option) -> Result {
        if !option.values.isEmpty { return .candidates(option.values) }
        if option.isPath { return .files }
        switch option.name {
        case "--contact": return .candidates(contactNames(""))
        case "--template": return .candidates(templateNames(""))
        case "--org": return .candidates(organizationDomains())
        case "--db", "--kb", "--prompts", "--file", "--out", "--output", "--dir": return .files
        default: return .nothing
        }
    }

    // MARK: - The command tree

    static func command(named name: String) -> ParsableCommand.Type? {
        CorbiRoot.configuration.subcommands.first(where: { $0._commandName == name })
    }

    /// Splits shell-style, tolerating an unterminated quote (the line is half typed).
    static func lenientSplit(_ text: String) -> [String] {
        if let words = try? ShellWords.split(text) { return words }
        for quote in ["\"", "'"] {
            if let words = try? ShellWords.split(text + quote) { return words }
        }
        return text.split(separator: " ").map(String.init)
    }
}
