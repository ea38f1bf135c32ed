import CorbiCore

extension InputHint {
    /// How the command line spells the input an error names.
    var flag: String {
        switch self {
        case .allowOverlap: "--allow-overlap"
        case .allowPast: "--allow-past"
        case .at: "--at"
        case .body: "--body"
        case .bodyFile: "--body-file"
        case .booking: "--booking ID"
        case .callingCode: "corbi org update --calling-code CC"
        case .channel: "--channel"
        case .duration: "--duration"
        case .end: "--end"
        case .knowledgeBase: "--kb or ASSISTANT_KB_PATH"
        case .language: "--language"
        case .limit: "--limit"
        case .location: "--location"
        case .name: "--name"
        case .notes: "--notes"
        case .organization: "--org or CORBI_ORG"
        case .skipInvalid: "--skip-invalid"
        case .subject: "--subject"
        case .text: "--text"
        case .title: "--title"
        case .today: "--today"
        case .user: "--user or CORBI_USER"
        case .week: "--week"
        case .initialize: "corbi init --org NAME --domain DOMAIN --admin EMAIL"
        case .approveTemplate: "corbi templates approve NAME"
        case .updateTemplate: "corbi templates update"
        case .rate: "corbi outbox rate"
        }
    }
}

extension CorbiError {
    /// The message as the command line shows it: hints spelled as flags and commands.
    var cliMessage: String {
        rendered { $0.flag }
    }
}
