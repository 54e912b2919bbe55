// Command-line grammar of `tap`: commands declared as data (noun, verb, positionals, options),
// one parser for all of them, help text generated from the declarations, and the refusal of
// secrets on the command line. No I/O and no network here (tests/cli/tst_cli_args.cpp).
#pragma once

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>

namespace tap::cli {

class Context;

struct Option
{
    QString name; // without the leading "--"
    QString valueName; // empty: a flag without a value
    QString help;
};

struct Invocation
{
    QStringList positionals;
    QHash<QString, QString> values;
    QSet<QString> flags;
    bool json = false;
    QString url; // --url
    QString profile; // --profile

    bool has(const QString &name) const { return values.contains(name) || flags.contains(name); }
    QString value(const QString &name, const QString &fallback = {}) const
    {
        return values.value(name, fallback);
    }
    // "a,b, c" → {"a", "b", "c"}; absent → empty.
    QStringList list(const QString &name) const;
};

struct Command
{
    QString noun; // "role", or a top-level command such as "login"
    QString verb; // "create"; empty for top-level commands
    QString summary;
    QStringList positionals; // "NAME" required, "[NAME]" optional
    QList<Option> options;
    QString details; // extra help paragraph (examples)
    std::function<int(Context &, const Invocation &)> run;

    QString path() const { return verb.isEmpty() ? noun : noun + u' ' + verb; }
};

// Nouns that are spelled differently on the command line ("add" → "credential create").
struct Alias
{
    QString word;
    QString noun;
    QString verb;
};

struct ParseResult
{
    enum class Kind { Run, Help, Usage };
    Kind kind = Kind::Usage;
    const Command *command = nullptr;
    Invocation invocation;
    QString text; // help text (Help) or the error line (Usage)
    QString usage; // the usage line of the command (or of tap) for Usage
};

ParseResult parse(const QList<Command> &commands, const QList<Alias> &aliases,
                  const QStringList &args);

QString usageLine(const Command &command);
QString commandHelp(const Command &command);
QString nounHelp(const QList<Command> &commands, const QString &noun);
QString topHelp(const QList<Command> &commands, const QList<Alias> &aliases);

// Secrets on the command line stay in shell history and in `ps`: an option whose name means
// a secret, or a value that looks like a known token format, is refused. Returns the reason
// (with a hint), empty when the argument is fine.
QString secretRefusal(const QString &option, const QString &value);
bool looksLikeSecret(const QString &value);

} // namespace tap::cli
