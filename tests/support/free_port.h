// Free loopback TCP ports for servers that tests start on their own, and loopback addresses.
#ifndef OKR_TESTS_SUPPORT_FREE_PORT_H_
#define OKR_TESTS_SUPPORT_FREE_PORT_H_

#include <netinet/in.h>

namespace okr::test_support {

// 127.0.0.1:`port` as a socket address (port 0: let the kernel pick).
sockaddr_in LoopbackAddress(int port);

// Returns a TCP port on 127.0.0.1 that was free a moment ago (the kernel picked it for a socket
// bound to port 0, which is then closed). Another process may take it before the caller binds it,
// so callers that start servers should be ready to retry with a new port. Aborts if no socket can
// be bound at all: a test machine without loopback cannot run these tests.
int PickFreePort();

}  // namespace okr::test_support

#endif  // OKR_TESTS_SUPPORT_FREE_PORT_H_
