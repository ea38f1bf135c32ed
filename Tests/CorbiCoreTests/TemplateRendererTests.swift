import Testing

@testable import CorbiCore

@Suite struct TemplateRendererTests {
    @Test func namedVariablesInOrderOfFirstUse() throws {
        let vars = try TemplateRenderer.variables(of: ["Hi {{first_name}}, {{ time }} at {{place}}; again {{first_name}}"])
        #expect(vars == ["first_name", "time", "place"])
    }

    @Test func subjectPlaceholdersFollowTheBody() throws {
        let vars = try TemplateRenderer.variables(of: ["Dear {{full_name}}", "On {{date}} for {{full_name}}"])
        #expect(vars == ["full_name", "date"])
    }

    @Test func positionalVariablesWithoutGaps() throws {
        #expect(try TemplateRenderer.variables(of: ["{{2}} then {{1}} and {{2}}"]) == ["2", "1"])
        let gap = templateTestError { _ = try TemplateRenderer.variables(of: ["{{1}} {{3}}"]) }
        #expect(gap?.exitCode == 65)
        #expect(gap?.description.contains("{{2}} is missing") == true)
    }

    @Test func mixedPlaceholdersAreRefused() {
        let error = templateTestError { _ = try TemplateRenderer.variables(of: ["{{first_name}} {{1}}"]) }
        #expect(error?.exitCode == 65)
        #expect(error?.description.contains("never mixed") == true)
    }

    @Test(arguments: ["{{First}}", "{{first-name}}", "{{}}", "{{ }}", "{{0}}", "{{01}}", "{{9x}}", "Hi {{name", "{{na me}}"])
    func invalidPlaceholdersAreRefused(_ body: String) {
        let error = templateTestError { _ = try TemplateRenderer.variables(of: [body]) }
        #expect(error?.exitCode == 65, "\(body)")
    }

    @Test func singleBracesAreText() throws {
        #expect(try TemplateRenderer.variables(of: ["{not a placeholder} }} {x}"]) == [])
    }

    @Test func renderingIsPlainText() throws {
        let text = try TemplateRenderer.render(
            "Hi {{ name }} <b>{{what}}</b> & {{name}}!", values: ["name": "Zoë & <Co>", "what": "\"x\""])
        #expect(text == "Hi Zoë & <Co> <b>\"x\"</b> & Zoë & <Co>!")
    }

    @Test func renderingListsEveryMissingVariable() {
        let error = templateTestError { _ = try TemplateRenderer.render("{{a}} {{b}} {{c}} {{a}}", values: ["b": "x"]) }
        #expect(error == .invalid("Missing variables: a, c."))
    }
}
