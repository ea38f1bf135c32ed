/// A provider-side template with the values of its placeholders.
public struct OutgoingTemplate: Sendable, Equatable {
    /// The template's name as the provider knows it.
    public var name: String
    /// The language code the template was approved in (`de`, `en_US`, `pt_BR`).
    public var languageCode: String
    /// The body parameters in the order of the template's placeholders.
    public var parameters: [TemplateParameter]
    /// The body as Corbi rendered it; sent as plain text on channels without templates.
    public var renderedText: String

    /// A template message with the given fields.
    public init(name: String, languageCode: String, parameters: [TemplateParameter], renderedText: String) {
        self.name = name
        self.languageCode = languageCode
        self.parameters = parameters
        self.renderedText = renderedText
    }
}

/// One value of a template placeholder: positional (`{{1}}`) or named (`{{first_name}}`).
public struct TemplateParameter: Sendable, Equatable {
    /// The placeholder's name for named templates; nil for positional ones.
    public var name: String?
    /// The text put in the placeholder.
    public var value: String

    /// A value, named (`name`) or positional (nil).
    public init(name: String?, value: String) {
        self.name = name
        self.value = value
    }

    /// A value for a positional placeholder.
    public static func positional(_ value: String) -> TemplateParameter { TemplateParameter(name: nil, value: value) }
    /// A value for a named placeholder.
    public static func named(_ name: String, _ value: String) -> TemplateParameter { TemplateParameter(name: name, value: value) }

    /// The parameters for a template's `placeholders` (in order of first use, as Corbi keeps
    /// them) filled from a message's `values`: positional placeholders (`1`, `2`, ...) are
    /// sent in numeric order without names, named ones in the given order with their names.
    /// Throws when a placeholder has no value, so a half-filled template is never sent.
    public static func list(
        placeholders: [String], values: [String: String]
    ) throws(TemplateParameterError) -> [TemplateParameter] {
        let positional = !placeholders.isEmpty && placeholders.allSatisfy { Int($0) != nil }
        let ordered = positional ? placeholders.sorted { Int($0)! < Int($1)! } : placeholders
        var parameters: [TemplateParameter] = []
        for placeholder in ordered {
            guard let value = values[placeholder] else { throw .missingValue(placeholder: placeholder) }
            parameters.append(TemplateParameter(name: positional ? nil : placeholder, value: value))
        }
        return parameters
    }
}

/// Why template parameters could not be built.
public enum TemplateParameterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A placeholder of the template has no value in the message's variables.
    case missingValue(placeholder: String)

    /// A sentence for an error message.
    public var description: String {
        switch self {
        case .missingValue(let placeholder): "The template placeholder {{\(SafeText.clean(placeholder, limit: 60))}} has no value."
        }
    }
}
