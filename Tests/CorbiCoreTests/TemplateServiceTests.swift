import Foundation
import Testing

@testable import CorbiCore

@Suite struct TemplateServiceTests {
    @Test func addKeepsVariablesAndStartsUnapproved() throws {
        let w = try TemplateTestWorkspace()
        let t = try w.db.addTemplate(
            w.staff, TemplateInput(name: "reminder", channel: "WhatsApp", language: "en", body: "Hi {{first_name}} at {{time}}"))
        #expect(t.channel == .whatsapp)
        #expect(t.variables == ["first_name", "time"])
        #expect(!t.approved && t.approvedBy == nil && t.approvedAt == nil)
        #expect(try w.lastEvent("templates.add")?.outcome == "ok")
    }

    @Test(arguments: ["Reminder", "1st", "_x", "re-mind", "re mind", ""])
    func invalidNamesAreRefusedAndAudited(_ name: String) throws {
        let w = try TemplateTestWorkspace()
        let error = templateTestError {
            _ = try w.db.addTemplate(w.staff, TemplateInput(name: name, channel: "whatsapp", language: "en", body: "Hi"))
        }
        #expect(error?.exitCode == 65)
        let event = try w.lastEvent("templates.add")
        #expect(event?.outcome == "refused")
        #expect(try w.count("SELECT count(*) FROM messageTemplate") == 0)
    }

    @Test func channelLanguageAndSubjectRules() throws {
        let w = try TemplateTestWorkspace()
        func add(_ channel: String, _ language: String = "en", subject: String? = nil) -> CorbiError? {
            templateTestError {
                _ = try w.db.addTemplate(w.staff, TemplateInput(name: "t", channel: channel, language: language, body: "Hi", subject: subject))
            }
        }
        #expect(add("sms")?.exitCode == 65)
        #expect(add("email")?.description.contains("needs a subject") == true)
        #expect(add("telegram", subject: "Hello")?.exitCode == 65)
        #expect(add("telegram", "english!")?.exitCode == 65)
        #expect(add("email", "pt_BR", subject: "Hello") == nil)
    }

    @Test func uniquePerNameLanguageAndChannel() throws {
        let w = try TemplateTestWorkspace()
        let input = TemplateInput(name: "reminder", channel: "whatsapp", language: "en", body: "Hi")
        _ = try w.db.addTemplate(w.staff, input)
        #expect(templateTestError { _ = try w.db.addTemplate(w.staff, input) }?.exitCode == 65)
        var other = input
        other.language = "de"
        _ = try w.db.addTemplate(w.staff, other)
        other.channel = "telegram"
        _ = try w.db.addTemplate(w.staff, other)
        #expect(try w.count("SELECT count(*) FROM messageTemplate") == 3)
    }

    @Test func declaredVariablesMustMatchThePlaceholders() throws {
        let w = try TemplateTestWorkspace()
        var input = TemplateInput(name: "t", channel: "whatsapp", language: "en", body: "{{b}} {{a}}", variables: ["a,b"])
        #expect(templateTestError { _ = try w.db.addTemplate(w.staff, input) }?.exitCode == 65)
        input.variables = ["b", "a"]
        #expect(try w.db.addTemplate(w.staff, input).variables == ["b", "a"])
    }

    @Test func onlyAdminsApprove() throws {
        let w = try TemplateTestWorkspace()
        _ = try w.db.addTemplate(w.staff, TemplateInput(name: "reminder", channel: "whatsapp", language: "en", body: "Hi"))
        let refused = templateTestError { _ = try w.db.approveTemplate(w.staff, TemplateSelector(name: "reminder")) }
        #expect(refused?.exitCode == 77)
        #expect(try w.lastEvent("templates.approve")?.outcome == "refused")
        #expect(templateTestError { _ = try w.db.approveTemplate(w.viewer, TemplateSelector(name: "reminder")) }?.exitCode == 77)

        w.clock.advance(90)
        let info = try w.db.approveTemplate(w.admin, TemplateSelector(name: "reminder"))
        #expect(info.template.approved)
        #expect(info.approvedByEmail == "admin@bright.example")
        #expect(info.template.approvedAt == TemplateTestWorkspace.start.addingTimeInterval(90))
        #expect(info.template.approvedAt.map { DateFormatting.iso8601($0, in: w.admin.organization.timeZone) } == "2026-06-01T10:01:30+02:00")
    }

    @Test func variablesKeepTheOrderAReaderMeetsThemSubjectFirst() throws {
        let w = try TemplateTestWorkspace()
        let invoice = try w.db.addTemplate(
            w.staff, TemplateInput(name: "invoice", channel: "email", language: "en", body: "Amount {{2}}", subject: "Invoice {{1}}"))
        #expect(invoice.variables == ["1", "2"])
        let named = try w.db.addTemplate(
            w.staff,
            TemplateInput(name: "visit", channel: "email", language: "en", body: "Dear {{name}}, on {{day}} at {{time}}", subject: "{{day}}: your visit"))
        #expect(named.variables == ["day", "name", "time"])
        let changed = try w.db.updateTemplate(w.staff, TemplateSelector(name: "invoice"), body: "Due {{1}}", subject: "Invoice {{2}}")
        #expect(changed.template.variables == ["2", "1"])
    }

    @Test func changingAnApprovedBodyWithdrawsTheApproval() throws {
        let w = try TemplateTestWorkspace()
        try w.approvedTemplate("reminder", body: "Hi {{first_name}}")
        let same = try w.db.updateTemplate(w.staff, TemplateSelector(name: "reminder"), body: "Hi {{first_name}}", subject: nil)
        #expect(!same.approvalWithdrawn && same.template.approved)

        let changed = try w.db.updateTemplate(w.staff, TemplateSelector(name: "reminder"), body: "Hello {{name}}", subject: nil)
        #expect(changed.approvalWithdrawn)
        let stored = try w.db.template(w.staff, TemplateSelector(name: "reminder"))
        #expect(!stored.template.approved && stored.template.approvedBy == nil && stored.template.approvedAt == nil)
        #expect(stored.template.variables == ["name"])
        #expect(try w.lastEvent("templates.update")?.detailsValue == .object([
            "approvalWithdrawn": true, "changed": true, "body": "Hello {{name}}", "subject": nil,
            "before": ["body": "Hi {{first_name}}", "subject": nil],
        ]))
    }

    @Test func aNameMatchingSeveralTemplatesIsNarrowedOrRefused() throws {
        let w = try TemplateTestWorkspace()
        try w.approvedTemplate("reminder", channel: "whatsapp", body: "Hi")
        try w.approvedTemplate("reminder", channel: "email", body: "Hi", subject: "S")
        try w.approvedTemplate("reminder", channel: "email", language: "de", body: "Hallo", subject: "S")
        let ambiguous = templateTestError { _ = try w.db.template(w.staff, TemplateSelector(name: "reminder", channel: "email")) }
        #expect(ambiguous?.exitCode == 65)
        #expect(ambiguous?.description.contains("reminder (email, de), reminder (email, en)") == true)
        let one = try w.db.template(w.staff, TemplateSelector(name: "reminder", channel: "email", language: "de"))
        #expect(one.template.body == "Hallo")
        #expect(templateTestError { _ = try w.db.template(w.staff, TemplateSelector(name: "nothing")) }?.exitCode == 66)
        #expect(templateTestError { _ = try w.db.template(w.staff, TemplateSelector(name: "reminder", channel: "telegram")) }?.exitCode == 66)
    }

    @Test func deletingAnApprovedTemplateTakesAnAdmin() throws {
        let w = try TemplateTestWorkspace()
        try w.approvedTemplate("reminder", body: "Hi")
        #expect(templateTestError { _ = try w.db.deleteTemplate(w.staff, TemplateSelector(name: "reminder")) }?.exitCode == 77)
        #expect(try w.count("SELECT count(*) FROM messageTemplate") == 1)
        _ = try w.db.deleteTemplate(w.admin, TemplateSelector(name: "reminder"))
        #expect(try w.count("SELECT count(*) FROM messageTemplate") == 0)
    }

    @Test func anotherOrganizationsTemplateIsNotFound() throws {
        let w = try TemplateTestWorkspace()
        let t = try w.approvedTemplate("reminder", body: "Hi")
        _ = try w.db.createOrganization(name: "Other", domain: "other.example", adminEmail: "boss@other.example")
        let other = try w.db.resolveActor(user: "boss@other.example", organization: "other.example")
        #expect(templateTestError { _ = try w.db.template(other, TemplateSelector(name: "reminder")) }?.exitCode == 66)
        #expect(templateTestError { _ = try w.db.template(other, TemplateSelector(name: "#\(t.id!)")) }?.exitCode == 66)
        #expect(try w.db.templates(other).isEmpty)
    }
}
