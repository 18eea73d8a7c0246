import Foundation
import NIOCore
import Testing

@testable import Proxy

/// Which accept errors pause the listener (try again later) and which are a broken listener's.
@Suite struct AcceptPauseOnExhaustionTests {
    @Test func runningOutOfDescriptorsOrSocketMemoryIsExhaustion() {
        for code in [EMFILE, ENFILE, ENOBUFS, ENOMEM] {
            #expect(AcceptPauseOnExhaustion.isExhaustion(IOError(errnoCode: code, reason: "accept")))
        }
    }

    @Test func onlyDescriptorErrorsGiveTheSpareDescriptorsBack() {
        #expect(AcceptPauseOnExhaustion.isOutOfDescriptors(IOError(errnoCode: EMFILE, reason: "accept")))
        #expect(AcceptPauseOnExhaustion.isOutOfDescriptors(IOError(errnoCode: ENFILE, reason: "accept")))
        #expect(!AcceptPauseOnExhaustion.isOutOfDescriptors(IOError(errnoCode: ENOBUFS, reason: "accept")))
        #expect(!AcceptPauseOnExhaustion.isOutOfDescriptors(IOError(errnoCode: ENOMEM, reason: "accept")))
    }

    @Test func otherErrorsAreTheListenersOwn() {
        #expect(!AcceptPauseOnExhaustion.isExhaustion(IOError(errnoCode: EBADF, reason: "accept")))
        #expect(!AcceptPauseOnExhaustion.isExhaustion(IOError(errnoCode: EINVAL, reason: "accept")))
        #expect(!AcceptPauseOnExhaustion.isExhaustion(ChannelError.ioOnClosedChannel))
    }
}
