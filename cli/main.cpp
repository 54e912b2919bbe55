// tap: command-line administration of a TAP server over its admin API (common/apiclient).
#include "commands.h"
#include "completion.h"
#include "context.h"
#include "migrate/migrate.h"

#include <QCoreApplication>
#include <QTextStream>

#include <sys/stat.h>

using namespace Qt::StringLiterals;
using namespace tap::cli;

int main(int argc, char *argv[])
{
    ::umask(077); // the session file and anything else written is the owner's only
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"tap"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(TAP_VERSION));
    QStringList args = QCoreApplication::arguments().mid(1);
    if (args == QStringList{ u"--version"_s } || args == QStringList{ u"version"_s }) {
        QTextStream(stdout) << "tap " << TAP_VERSION << '\n';
        return kOk;
    }
    const QList<Command> commands = allCommands() + migrateCommands();
    // Generated from the command table (installed by the build: see cli/CMakeLists.txt).
    if (args == QStringList{ u"completion"_s, u"bash"_s }) {
        QTextStream(stdout) << bashCompletion(commands, allAliases());
        return kOk;
    }
    if (args == QStringList{ u"completion"_s, u"zsh"_s }) {
        QTextStream(stdout) << zshCompletion(commands, allAliases());
        return kOk;
    }
    if (args == QStringList{ u"--generate-man"_s }) {
        QTextStream(stdout) << manPage(commands, allAliases());
        return kOk;
    }
    const ParseResult parsed = parse(commands, allAliases(), args);
    switch (parsed.kind) {
    case ParseResult::Kind::Help:
        QTextStream(stdout) << parsed.text;
        return kOk;
    case ParseResult::Kind::Usage:
        // One line: the message, then the usage of the command.
        QTextStream(stderr) << "tap: " << parsed.text << "; " << parsed.usage << '\n';
        return kUsage;
    case ParseResult::Kind::Run:
        break;
    }
    Context context(parsed.invocation);
    if (!context.setupError().isEmpty())
        return context.error(context.setupError());
    return parsed.command->run(context, parsed.invocation);
}
