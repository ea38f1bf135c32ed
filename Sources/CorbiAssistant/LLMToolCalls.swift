import Foundation

/// A function a model may ask Corbi to call (OpenAI-compatible `tools`): its name, what it
/// does, and its parameters as a JSON Schema object.
public struct LLMTool: Sendable, Equatable {
    public var name: String
    public var description: String
    /// A JSON Schema object, as JSON text (`{"type": "object", "properties": {...}}`).
    public var parametersJSON: String

    public init(name: String, description: String, parametersJSON: String) {
        self.name = name
        self.description = description
        self.parametersJSON = parametersJSON
    }
}

/// What a model did with the tools it was offered.
public enum LLMToolReply: Sendable, Equatable {
    /// It asked for one call: the function's name and its arguments as a JSON object.
    case call(name: String, arguments: Data)
    /// It answered in words and called nothing.
    case text(String)
}

extension LLMClient {
    /// The largest arguments object accepted from a model (a handful of short fields).
    public static let maximumToolArgumentBytes = 4096

    /// Offers `tools` to the model with a system prompt and the user's message (blocking)
    /// and returns the first call it asks for, or its text. Nothing is called here: the
    /// caller decides whether and how to run what the model chose.
    public func chooseTool(system: String, user: String, tools: [LLMTool]) throws -> LLMToolReply {
        var toolObjects: [[String: Any]] = []
        for tool in tools {
            guard let parameters = try? JSONSerialization.jsonObject(with: Data(tool.parametersJSON.utf8)) else {
                throw LLMError.transport("the tool \(tool.name) has parameters that are not JSON")
            }
            toolObjects.append([
                "type": "function",
                "function": ["name": tool.name, "description": tool.description, "parameters": parameters],
            ])
        }
        let body: [String: Any] = [
            "model": configuration.model,
            "messages": [["role": "system", "content": system], ["role": "user", "content": user]],
            "tools": toolObjects,
            "tool_choice": "auto",
            "temperature": 0,
            "stream": false,
        ]
        let data = try post(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
        return try Self.toolReply(from: data)
    }

    /// Reads a chat completion: the first tool call (its arguments given as a JSON string,
    /// as the API specifies, or as an object, as some servers send), else the content.
    static func toolReply(from data: Data) throws -> LLMToolReply {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let choices = object["choices"] as? [[String: Any]], let message = choices.first?["message"] as? [String: Any]
        else { throw LLMError.malformed }
        if let calls = message["tool_calls"] as? [[String: Any]], let first = calls.first {
            guard let function = first["function"] as? [String: Any], let name = function["name"] as? String, !name.isEmpty
            else { throw LLMError.malformed }
            let arguments: Data
            switch function["arguments"] {
            case let text as String:
                arguments = Data((text.isEmpty ? "{}" : text).utf8)
            case let dictionary as [String: Any]:
                arguments = try JSONSerialization.data(withJSONObject: dictionary, options: [.sortedKeys])
            case nil:
                arguments = Data("{}".utf8)
            default:
                throw LLMError.malformed
            }
            guard arguments.count <= maximumToolArgumentBytes,
                (try? JSONSerialization.jsonObject(with: arguments)) is [String: Any]
            else { throw LLMError.malformed }
            return .call(name: name, arguments: arguments)
        }
        guard let content = message["content"] as? String else { throw LLMError.malformed }
        return .text(content.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
