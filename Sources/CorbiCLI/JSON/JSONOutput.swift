import Foundation

/// Encodes JSON the way every Corbi command prints it: one line, sorted keys.
public enum JSONOutput {
    public static func encode(_ value: any Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(AnyEncodable(value)), as: UTF8.self)
        } catch {
            return JSONOutput.encode(ErrorJSON(exitCode: 70, message: "Cannot encode the result: \(error)"))
        }
    }

    private struct AnyEncodable: Encodable {
        let value: any Encodable
        init(_ value: any Encodable) { self.value = value }
        func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    }
}
