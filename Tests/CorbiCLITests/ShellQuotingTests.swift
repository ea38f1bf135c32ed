import CorbiWorkspace
import Testing

@testable import CorbiCLI

/// The commands `ask` names are typed back into Corbi's shell (and a POSIX shell): every
/// quoted word splits back into itself.
@Suite struct ShellQuotingTests {
    @Test func plainWordsStayPlainAndOthersAreQuoted() {
        #expect(ShellQuoting.quote("recall") == "recall")
        #expect(ShellQuoting.quote("Zoë") == "Zoë")
        #expect(ShellQuoting.quote("2026-04-06") == "2026-04-06")
        #expect(ShellQuoting.quote("Anna Müller") == "\"Anna Müller\"")
        #expect(ShellQuoting.quote("Seán O'Brien") == "\"Seán O'Brien\"")
        #expect(ShellQuoting.quote("Ben \"Benny\" $Weber") == "'Ben \"Benny\" $Weber'")
        #expect(ShellQuoting.quote("it's $5") == "'it'\\''s $5'")
        #expect(ShellQuoting.quote("#12") == "\"#12\"")
    }

    @Test(arguments: ["Anna Müller", "Seán O'Brien", "Ben \"Benny\" $Weber", "it's $5", "#12", "a\\b", "tab\there", "`x`"])
    func quotedWordsSplitBackIntoThemselves(_ word: String) throws {
        #expect(try ShellWords.split("contacts show " + ShellQuoting.quote(word)) == ["contacts", "show", word])
    }
}
