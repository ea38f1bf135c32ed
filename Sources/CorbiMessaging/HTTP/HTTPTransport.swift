import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends provider requests over URLSession with a hard deadline, never following a
/// redirect (credentials must never reach another host), and reading at most
/// `maxResponseBytes` of an answer. One transport may serve many requests at once.
public final class HTTPTransport: Sendable {
    /// Seconds a whole exchange may take, connecting included.
    public let timeout: TimeInterval
    /// The largest answer read; a larger one fails as `responseTooLarge`.
    public let maxResponseBytes: Int
    private let session: URLSession
    private let delegate: TransportDelegate

    /// - Parameters:
    ///   - timeout: seconds for a whole exchange (default 30; kept between 1 ms and a day).
    ///   - maxResponseBytes: the largest answer accepted (default 1 MiB; provider replies are small).
    public init(timeout: TimeInterval = 30, maxResponseBytes: Int = 1 << 20) {
        let timeout = timeout.isNaN ? 30 : min(max(timeout, 0.001), 86_400)
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        let configuration = URLSessionConfiguration.ephemeral
        // Foundation on Linux truncates these to whole seconds (0.5 s would time out at
        // once), so they only back up the transport's own deadline, which is exact.
        configuration.timeoutIntervalForRequest = Self.backstop(timeout)
        configuration.timeoutIntervalForResource = Self.backstop(timeout)
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.urlCredentialStorage = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        delegate = TransportDelegate(maxResponseBytes: maxResponseBytes)
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    private static func backstop(_ timeout: TimeInterval) -> TimeInterval {
        max(1, timeout.rounded(.up)) + 1
    }

    deinit {
        session.invalidateAndCancel()
    }

    /// Sends `request` once and returns the answer, whatever its status, or why there was none.
    public func send(_ request: Request) async -> Result<Response, TransportFailure> {
        let host = request.url.host ?? "the provider"
        guard let scheme = request.url.scheme?.lowercased(), scheme == "https" || scheme == "http", request.url.host != nil else {
            return .failure(TransportFailure(kind: .unsupportedURL, message: "only http and https URLs with a host can be requested"))
        }
        var urlRequest = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: Self.backstop(timeout))
        urlRequest.httpMethod = request.method
        urlRequest.httpShouldHandleCookies = false
        urlRequest.setValue("Corbi", forHTTPHeaderField: "User-Agent")
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body

        let task = session.dataTask(with: urlRequest)
        let id = task.taskIdentifier
        let delegate = self.delegate
        // URLSession's own timeouts measure idle time and whole seconds; this bounds the
        // whole exchange whatever the peer does.
        let watchdog = DispatchWorkItem {
            if delegate.markTimedOut(id) { task.cancel() }
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Response, TransportFailure>, Never>) in
                delegate.register(id, host: host, watchdog: watchdog, continuation: continuation)
                task.resume()
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
            }
        } onCancel: {
            task.cancel()
        }
    }
}

/// Collects each task's answer and resumes its continuation exactly once.
private final class TransportDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private struct Pending {
        var continuation: CheckedContinuation<Result<HTTPTransport.Response, TransportFailure>, Never>
        var host: String
        var watchdog: DispatchWorkItem
        var response: HTTPURLResponse?
        var body = Data()
        var timedOut = false
        var tooLarge = false
    }

    private let lock = NSLock()
    private var pending: [Int: Pending] = [:]
    private let maxResponseBytes: Int

    init(maxResponseBytes: Int) {
        self.maxResponseBytes = maxResponseBytes
    }

    func register(
        _ id: Int, host: String, watchdog: DispatchWorkItem,
        continuation: CheckedContinuation<Result<HTTPTransport.Response, TransportFailure>, Never>
    ) {
        lock.withLock { pending[id] = Pending(continuation: continuation, host: host, watchdog: watchdog) }
    }

    /// Marks a task as timed out; false when it already finished.
    func markTimedOut(_ id: Int) -> Bool {
        lock.withLock {
            guard pending[id] != nil else { return false }
            pending[id]?.timedOut = true
            return true
        }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        // Following would resend the Authorization header (or the token in the path) to
        // wherever the peer points; the 3xx itself becomes the answer.
        completionHandler(nil)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        lock.withLock { pending[dataTask.taskIdentifier]?.response = response as? HTTPURLResponse }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let overflow = lock.withLock { () -> Bool in
            guard var entry = pending[dataTask.taskIdentifier] else { return false }
            if entry.body.count + data.count > maxResponseBytes {
                entry.tooLarge = true
                pending[dataTask.taskIdentifier] = entry
                return true
            }
            entry.body.append(data)
            pending[dataTask.taskIdentifier] = entry
            return false
        }
        if overflow { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let entry = lock.withLock({ pending.removeValue(forKey: task.taskIdentifier) }) else { return }
        // A finished exchange releases its watchdog (and the task it holds) at once.
        entry.watchdog.cancel()
        entry.continuation.resume(returning: Self.result(entry, task: task, error: error))
    }

    private static func result(_ entry: Pending, task: URLSessionTask, error: (any Error)?) -> Result<HTTPTransport.Response, TransportFailure> {
        let host = SafeText.clean(entry.host, limit: 100)
        if entry.tooLarge {
            return .failure(TransportFailure(kind: .responseTooLarge, message: "\(host) answered with more data than accepted"))
        }
        if entry.timedOut {
            return .failure(TransportFailure(kind: .timeout, message: "\(host) did not answer in time"))
        }
        if let error {
            return .failure(failure(error, host: host))
        }
        guard let http = entry.response ?? (task.response as? HTTPURLResponse) else {
            return .failure(TransportFailure(kind: .network, message: "\(host) sent no HTTP response"))
        }
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
        }
        return .success(HTTPTransport.Response(status: http.statusCode, headers: headers, body: entry.body))
    }

    private static func failure(_ error: any Error, host: String) -> TransportFailure {
        guard let urlError = error as? URLError else {
            return TransportFailure(kind: .network, message: "the request to \(host) failed")
        }
        switch urlError.code {
        case .timedOut:
            return TransportFailure(kind: .timeout, message: "\(host) did not answer in time")
        case .cannotConnectToHost:
            return TransportFailure(kind: .connectionRefused, message: "\(host) refused the connection")
        case .cannotFindHost, .dnsLookupFailed:
            return TransportFailure(kind: .hostNotFound, message: "\(host) could not be resolved")
        case .networkConnectionLost, .notConnectedToInternet, .resourceUnavailable, .internationalRoamingOff,
            .callIsActive, .dataNotAllowed, .cannotLoadFromNetwork:
            return TransportFailure(kind: .connectionLost, message: "the connection to \(host) was lost")
        case .secureConnectionFailed, .serverCertificateHasBadDate, .serverCertificateUntrusted,
            .serverCertificateHasUnknownRoot, .serverCertificateNotYetValid, .clientCertificateRejected,
            .clientCertificateRequired:
            return TransportFailure(kind: .tls, message: "no secure connection to \(host)")
        case .cancelled:
            return TransportFailure(kind: .network, message: "the request to \(host) was cancelled")
        case .unsupportedURL, .badURL:
            return TransportFailure(kind: .unsupportedURL, message: "the URL for \(host) cannot be requested")
        default:
            return TransportFailure(kind: .network, message: "the request to \(host) failed (error \(urlError.code.rawValue))")
        }
    }
}
