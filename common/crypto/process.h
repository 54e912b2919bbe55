#pragma once

namespace tap::crypto {

// Call first thing in main(), before any thread or library touches OpenSSL.
//
// OpenSSL 3.0 frees every thread's thread-local state from an atexit handler, while a thread
// that Qt has already reported finished (QThread::wait() returns before the pthread's TLS
// destructors run) may still be freeing its own: a double free at exit, seen by ASan. With
// OPENSSL_INIT_NO_ATEXIT the process exits without that cleanup; the memory goes with it.
void initForProcess();

} // namespace tap::crypto
