import Testing
@testable import CorbiMessaging
