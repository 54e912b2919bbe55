// tap_exitprobe [init]: starts eight QThreads that draw random bytes from OpenSSL, stops and
// waits for them as tapd's HTTP server does, and returns from main() at once. With "init" it
// first calls tap::crypto::initForProcess() as tapd does.
//
// QThread::wait() returns before the threads' thread-specific data is destroyed, so the
// threads free OpenSSL's per-thread state while the process exits. Without initForProcess(),
// OpenSSL 3.0's atexit clean-up frees the same state (a double free). To make that race
// likely rather than rare, each thread holds back its thread-specific destructors (a key of its
// own, created before OpenSSL's, runs first) until the process has begun its atexit handlers:
// about one run in eight then fails under ASan without "init" (one in a few hundred otherwise).
#include "core/random.h"
#include "crypto/process.h"

#include <QCoreApplication>
#include <QThread>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <pthread.h>
#include <vector>

namespace {

pthread_key_t s_gate;
std::atomic<bool> s_exiting{ false };

void holdUntilExit(void *)
{
    for (int i = 0; i < 2000 && !s_exiting.load(); ++i)
        QThread::usleep(1000); // measured: 1 ms polls hit the window most often
}

void markExiting()
{
    s_exiting.store(true);
}

} // namespace

int main(int argc, char *argv[])
{
    if (pthread_key_create(&s_gate, holdUntilExit) != 0)
        return 3;
    if (argc > 1 && std::strcmp(argv[1], "init") == 0)
        tap::crypto::initForProcess();
    QCoreApplication application(argc, argv);
    tap::core::SystemRandom random;
    (void)random.bytes(16); // OpenSSL registers its atexit handler (unless told not to) ...
    std::atexit(markExiting); // ... so this one runs just before it
    std::vector<std::unique_ptr<QThread>> threads;
    for (int i = 0; i < 8; ++i) {
        auto thread = std::make_unique<QThread>();
        QObject::connect(thread.get(), &QThread::started, [&random] {
            pthread_setspecific(s_gate, &random);
            (void)random.bytes(16);
        });
        thread->start();
        threads.push_back(std::move(thread));
    }
    for (auto &thread : threads) {
        thread->quit();
        thread->wait();
    }
    return 0;
}
