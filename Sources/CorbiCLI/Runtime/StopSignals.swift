import CorbiMessaging
import Foundation

/// Ctrl-C (SIGINT) and SIGTERM during `outbox send`: the first asks the dispatcher to stop
/// (sends under way finish and are recorded); a second one ends the process at once (the
/// messages then under way are settled as interrupted by the next run). Only installed
/// when the process has no handler of its own: the shell keeps its Ctrl-C.
final class StopSignals: @unchecked Sendable {
    private var sources: [(number: Int32, source: any DispatchSourceSignal)] = []

    /// Watches the signals for `stop`; `notice` is told when the first one arrives.
    init(_ stop: DispatchStop, notice: @escaping @Sendable () -> Void) {
        for number in [SIGINT, SIGTERM] where Self.isDefault(number) {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if stop.isRequested {
                    signal(number, SIG_DFL)
                    raise(number)
                    return
                }
                stop.request()
                notice()
            }
            source.resume()
            sources.append((number, source))
        }
    }

    /// Gives the signals back their default action.
    func release() {
        for (number, source) in sources {
            source.cancel()
            signal(number, SIG_DFL)
        }
        sources.removeAll()
    }

    private static func isDefault(_ number: Int32) -> Bool {
        var current = sigaction()
        guard sigaction(number, nil, &current) == 0 else { return false }
        #if canImport(Glibc)
        return current.__sigaction_handler.sa_handler == nil
        #else
        return current.__sigaction_u.__sa_handler == nil
        #endif
    }
}
