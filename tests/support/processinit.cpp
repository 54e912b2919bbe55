// Linked (as an object library) into every test executable that uses tap_crypto: the same
// OpenSSL set-up tapd's main() does, before main() runs, since test executables run HTTP
// worker threads that use OpenSSL and may exit while the process does (see crypto/process.h).
#include "crypto/process.h"

namespace {
[[maybe_unused]] const bool s_initialised = (tap::crypto::initForProcess(), true);
} // namespace
