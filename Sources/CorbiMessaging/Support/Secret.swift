/// A credential that never shows: printing, interpolating, dumping or mirroring it gives
/// a mask, so a provider value logged by mistake leaks nothing.
struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let value: String

    init(_ value: String) { self.value = value }

    var description: String { "[secret]" }
    var debugDescription: String { "[secret]" }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}
