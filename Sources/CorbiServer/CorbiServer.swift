import CorbiCore
import CorbiKnowledge
import CorbiMessaging
import CorbiWorkspace
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle

/// `corbi serve`: the providers' webhooks, one-click unsubscribe, `/healthz`, `/metrics`,
/// and the dispatcher every few seconds, in one process over one workspace.
///
/// ```
/// GET  /healthz                          GET  /metrics
/// GET  /webhooks/{domain}/whatsapp|instagram   (Meta's subscription check)
/// POST /webhooks/{domain}/whatsapp|instagram   (X-Hub-Signature-256)
/// POST /webhooks/{domain}/telegram             (X-Telegram-Bot-Api-Secret-Token)
/// GET  /unsubscribe/{token}   a page whose button posts     POST /unsubscribe/{token}   RFC 8058
/// ```
///
/// SIGTERM and SIGINT stop it gracefully: no new connections, requests under way are
/// answered, sends under way finish and are recorded, then ``run(workspace:options:)``
/// returns. Holds no business rule: every decision is the core's or the wire layer's.
public enum CorbiServer {
    /// Runs until SIGTERM or SIGINT. Writes `Listening on http://HOST:PORT` on stderr once
    /// the socket is bound (`--port 0` picks a free port, named there).
    public static func run(workspace: Workspace, options: ServerOptions) async throws {
        let configuration = workspace.configuration
        let logger = ServerLog.logger(level: configuration.logLevel)
        let database = try workspace.database()
        let metrics = ServerMetrics()
        let knowledge = KnowledgeIndex(workspace: workspace)

        let router = Router()
        router.get("/healthz") { _, _ in Replies.text(.ok, "ok\n") }
        router.get("/metrics") { _, _ -> Response in
            let page = try await Blocking.run {
                metrics.render(outbound: try database.outboundStatusCountsOfAllOrganizations(), knowledge: knowledge.counts())
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
        }
        let webhooks = WebhookEndpoint(database: database, metrics: metrics, logger: logger)
        router.get("/webhooks/:domain/:channel") { request, context in await webhooks.verify(request, context) }
        router.post("/webhooks/:domain/:channel") { request, context in await webhooks.receive(request, context) }
        let unsubscribe = UnsubscribeEndpoint(database: database, metrics: metrics, logger: logger)
        router.get("/unsubscribe/:token") { request, context in await unsubscribe.confirm(request, context) }
        router.post("/unsubscribe/:token") { request, context in await unsubscribe.unsubscribe(request, context) }

        let address = options
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "Corbi"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? options.port
                FileHandle.standardError.write(Data("Listening on \(address.url(port: port))\n".utf8))
                logger.info("listening", metadata: ["address": "\(address.url(port: port))", "dispatch": "\(options.dispatch)"])
            },
            logger: logger)

        var services: [any Service] = []
        if options.dispatch {
            let dispatcher = Dispatcher(
                database: database, scope: .allOrganizations, owner: Dispatcher.ownerName("serve"), settings: configuration.dispatch,
                onAttempt: { metrics.attempt($0) })
            services.append(DispatcherService(dispatcher: dispatcher, interval: configuration.dispatchInterval, logger: logger))
        }
        // Shut down in reverse order: the server stops accepting and answers what it has,
        // then the dispatcher records its sends.
        services.append(app)
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.info("stopped")
    }
}

/// The knowledge-base index for `/metrics`, opened on first use; a workspace without one
/// (or whose index cannot be opened) reports no knowledge-base series.
final class KnowledgeIndex: @unchecked Sendable {
    private let workspace: Workspace

    init(workspace: Workspace) {
        self.workspace = workspace
    }

    func counts() -> [IndexedScopeCount]? {
        try? workspace.knowledgeBase().indexedCounts()
    }
}
