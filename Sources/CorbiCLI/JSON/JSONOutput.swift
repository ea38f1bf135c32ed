import Foundation

/// Encodes JSON the way every Corbi command prints it: one line, sorted keys.
public enum JSONOutput {
    public static func encode(_ value: any Encodable) -> String {
        encodeChecked(value).text
    }

    /// The JSON text, or an error object (`ok` false) when the value cannot be written:
    /// the caller exits 70 then, never 0 with an error printed.
    static func encodeChecked(_ value: any Encodable) -> (text: String, ok: Bool) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return (String(decoding: try encoder.encode(AnyEncodable(value)), as: UTF8.self), true)
        } catch {
            let message = "Cannot encode the result: \(error)"
            return ((try? String(decoding: encoder.encode(ErrorJSON(exitCode: 70, message: message)), as: UTF8.self)) ?? "{}", false)
        }
    }

    private struct AnyEncodable: Encodable {
        let value: any Encodable
        init(_ value: any Encodable) { self.value = value }
        func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    }
}
