/// What `corbi serve` was asked for on its command line.
public struct ServerOptions: Sendable, Equatable {
    /// The address to listen on (default 127.0.0.1: only this machine; a reverse proxy in
    /// front makes it public).
    public var host: String
    /// The port (default 8080; 0 picks a free one, named in the "Listening on" line).
    public var port: Int
    /// Whether the dispatcher runs (`--no-dispatch` turns it off: webhooks only).
    public var dispatch: Bool

    public init(host: String = "127.0.0.1", port: Int = 8080, dispatch: Bool = true) {
        self.host = host
        self.port = port
        self.dispatch = dispatch
    }

    /// `http://127.0.0.1:8080`, with an IPv6 address in brackets.
    func url(port: Int) -> String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return "http://\(shown):\(port)"
    }
}
