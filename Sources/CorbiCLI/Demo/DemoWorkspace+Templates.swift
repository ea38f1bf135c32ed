import CorbiCore
import CorbiWorkspace

extension DemoWorkspace {
    /// Approved templates of the demo organization (written by staff, approved by the
    /// admin, as in real use), and one draft still waiting for approval.
    static func seedTemplates(_ db: AppDatabase, admin: Actor, staff: Actor) throws {
        let approved = [
            TemplateInput(
                name: "appointment_reminder", channel: "whatsapp", language: "en",
                body: "Hi {{first_name}}, this is a reminder of your appointment at {{org_name}} on {{booking_date}} at {{booking_time}} ({{booking_location}}). Reply YES to confirm or call us to reschedule."),
            TemplateInput(
                name: "appointment_reminder", channel: "email", language: "en",
                body: """
                    Dear {{full_name}},

                    this is a reminder of your appointment at {{org_name}} on {{booking_date}} at {{booking_time}} ({{booking_location}}).

                    If you cannot make it, please reply to this email or call us so we can offer the slot to another patient.

                    Kind regards,
                    {{org_name}}
                    """,
                subject: "Your appointment on {{booking_date}} at {{booking_time}}"),
            TemplateInput(
                name: "appointment_reminder", channel: "telegram", language: "de",
                body: "Hallo {{first_name}}, wir erinnern Sie an Ihren Termin bei {{org_name}} am {{booking_date}} um {{booking_time}} ({{booking_location}})."),
            TemplateInput(
                name: "recall", channel: "whatsapp", language: "en",
                body: "Hi {{first_name}}, it has been six months since your last check-up at {{org_name}}. Reply to this message and we will find a time that suits you."),
            TemplateInput(
                name: "recall", channel: "email", language: "en",
                body: "Dear {{full_name}},\n\nit has been six months since your last check-up. Regular check-ups keep small problems small: reply to this email and we will find a time that suits you.\n\n{{org_name}}",
                subject: "Time for your check-up at {{org_name}}"),
            TemplateInput(
                name: "follow_up", channel: "whatsapp", language: "en",
                body: "Hi {{first_name}}, how are you feeling after your {{treatment}}? If anything hurts or you have questions, just reply here. – {{org_name}}"),
            TemplateInput(
                name: "follow_up", channel: "telegram", language: "en",
                body: "Hi {{first_name}}, how are you feeling after your {{treatment}}? If anything hurts or you have questions, just reply here. – {{org_name}}"),
            TemplateInput(
                name: "payment_reminder", channel: "email", language: "en",
                body: "Dear {{1}},\n\ninvoice {{2}} of {{3}} is still open. If you have already paid, please ignore this message.\n\nBrightSmile Dental",
                subject: "Open invoice {{2}}"),
        ]
        for input in approved {
            let template = try db.addTemplate(staff, input)
            _ = try db.approveTemplate(admin, TemplateSelector(name: "#\(template.id!)"))
        }
        // Left unapproved on purpose: drafting it shows the approval rule.
        _ = try db.addTemplate(
            staff,
            TemplateInput(
                name: "whitening_offer", channel: "whatsapp", language: "en",
                body: "Hi {{first_name}}, this month {{org_name}} offers professional whitening at {{price}}. Reply WHITE to book."))
    }
}
