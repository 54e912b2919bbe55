// tapd: the TAP credential proxy service.
#include "app/app.h"
#include "app/sdnotify.h"
#include "core/logging.h"
#include "crypto/process.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

namespace {

int s_signalPipe[2] = { -1, -1 };

void onSignal(int signal)
{
    const char c = char(signal);
    (void)!::write(s_signalPipe[1], &c, 1); // async-signal-safe: the event loop does the rest
}

void installSignalHandlers()
{
    if (::pipe2(s_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return;
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGTERM, &sa, nullptr);
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGHUP, &sa, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
}

} // namespace

int main(int argc, char *argv[])
{
    tap::crypto::initForProcess();
    QCoreApplication application(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tapd"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TAP_VERSION));

    QStringList arguments = QCoreApplication::arguments();
    arguments.removeFirst();
    auto parsed = tap::app::Config::parse(arguments, QProcessEnvironment::systemEnvironment());
    if (!parsed) {
        std::fprintf(stderr, "tapd: %s\nRun tapd --help for the options.\n",
                     qUtf8Printable(parsed.error().message()));
        return 1;
    }
    using Action = tap::app::Config::Action;
    switch (parsed->action) {
    case Action::Help:
    case Action::Version:
        std::fputs(qUtf8Printable(parsed->text), stdout);
        return 0;
    case Action::CheckConfig:
        if (auto r = tap::app::App::check(parsed->config); !r) {
            std::fprintf(stderr, "tapd: %s\n", qUtf8Printable(r.error().message()));
            return 1;
        }
        std::printf("tapd: configuration is valid (database %s)\n",
                    qUtf8Printable(parsed->config.database.redacted()));
        return 0;
    case Action::Run:
        break;
    }

    tap::core::installJsonLogHandler();
    installSignalHandlers();
    tap::app::App app(parsed->config);
    if (auto r = app.start(); !r) {
        tap::core::logEvent(tap::core::lcApp(), QtCriticalMsg, QStringLiteral("start-up failed"),
                            { { QStringLiteral("error"), r.error().message() } });
        std::fprintf(stderr, "tapd: %s\n", qUtf8Printable(r.error().message()));
        return 2;
    }
    std::printf("tapd listening on http://%s:%u\n",
                qUtf8Printable(parsed->config.listenAddress.toString()), unsigned(app.port()));
    std::fflush(stdout);
    // systemd (Type=notify): the database is open and migrated, the keys are loaded and the
    // listeners accept connections.
    const QByteArray ready = "READY=1\nSTATUS=listening on port " + QByteArray::number(app.port());
    tap::app::sdNotify(ready);

    QSocketNotifier notifier(s_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &application, [&] {
        char c = 0;
        bool stop = false;
        while (::read(s_signalPipe[0], &c, 1) > 0)
            stop = stop || c != SIGHUP;
        if (!stop) {
            // The configuration is read once at start (flags and environment, which a running
            // process cannot re-read): SIGHUP changes nothing and must not stop the service.
            tap::core::logEvent(tap::core::lcApp(), QtWarningMsg,
                                QStringLiteral("SIGHUP ignored: configuration changes take effect "
                                               "after a restart (systemctl restart tapd)"));
            return;
        }
        tap::app::sdNotify("STOPPING=1");
        tap::core::logEvent(tap::core::lcApp(), QtInfoMsg, QStringLiteral("shutting down"));
        app.stop(10'000);
        QCoreApplication::quit();
    });
    const int rc = QCoreApplication::exec();
    tap::core::logEvent(tap::core::lcApp(), QtInfoMsg, QStringLiteral("stopped"));
    return rc;
}
