import CorbiCore

/// A provider-side template with the values of its placeholders. The values and their
/// order come from the core (``TemplateReference``): positional placeholders in numeric
/// order without names, named ones in the template's order with their names.
public struct OutgoingTemplate: Sendable, Equatable {
    /// The template's name as the provider knows it.
    public var name: String
    /// The language code the template was approved in (`de`, `en_US`, `pt_BR`).
    public var languageCode: String
    /// The body parameters in the order the provider fills them.
    public var parameters: [TemplateArgument]
    /// The body as Corbi rendered it; sent as plain text on channels without templates.
    public var renderedText: String

    /// A template message with the given fields.
    public init(name: String, languageCode: String, parameters: [TemplateArgument], renderedText: String) {
        self.name = name
        self.languageCode = languageCode
        self.parameters = parameters
        self.renderedText = renderedText
    }

    /// The template a claimed message was drafted from, with the text the core rendered.
    public init(_ reference: TemplateReference, renderedText: String) {
        self.init(
            name: reference.name, languageCode: reference.language, parameters: reference.parameters, renderedText: renderedText)
    }
}
