#include "args.h"

#include <QRegularExpression>

#include <algorithm>

namespace tap::cli {

using namespace Qt::StringLiterals;

namespace {

const QList<Option> kGlobalOptions{
    { u"json"_s, {}, u"machine-readable JSON output"_s },
    { u"url"_s, u"URL"_s, u"the TAP server (default: TAP_URL, then the logged-in server)"_s },
    { u"profile"_s, u"NAME"_s,
      u"the saved login to use: its email, server URL or host, or URL|EMAIL (default: the "
      "latest, for the server of --url/TAP_URL)"_s },
    { u"help"_s, {}, u"show help"_s },
};

// Option names that can only mean a secret value.
const QStringList kSecretOptionNames{
    u"password"_s,     u"passwd"_s,  u"value"_s,         u"secret"_s,
    u"token"_s,        u"api-key"_s, u"key"_s,           u"bot-token"_s,
    u"access-token"_s, u"session"_s, u"session-token"_s, u"client-secret"_s,
};

const Option *findOption(const QList<Option> &options, const QString &name)
{
    for (const Option &o : options) {
        if (o.name == name)
            return &o;
    }
    return nullptr;
}

bool isOptionToken(const QString &token)
{
    return token.startsWith(u"--"_s) || (token.startsWith(u'-') && token.size() == 2);
}

ParseResult usageError(const QString &message, const QString &usage)
{
    ParseResult r;
    r.kind = ParseResult::Kind::Usage;
    r.text = message;
    r.usage = usage;
    return r;
}

ParseResult help(const QString &text)
{
    ParseResult r;
    r.kind = ParseResult::Kind::Help;
    r.text = text;
    return r;
}

int requiredPositionals(const Command &c)
{
    return int(std::count_if(c.positionals.cbegin(), c.positionals.cend(),
                             [](const QString &p) { return !p.startsWith(u'['); }));
}

// The words before the first option: noun, verb, positionals.
struct Words
{
    QStringList words;
    QStringList rest; // from the first option on
    bool help = false;
};

Words splitWords(const QStringList &args)
{
    Words w;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == u"--help"_s || a == u"-h"_s) {
            w.help = true;
            continue;
        }
        if (isOptionToken(a) || !w.rest.isEmpty()) {
            w.rest << a;
            continue;
        }
        w.words << a;
    }
    return w;
}

// Resolves the command from the leading words; removes them from `words`.
const Command *resolve(const QList<Command> &commands, const QList<Alias> &aliases,
                       QStringList &words, QString *noun)
{
    if (words.isEmpty())
        return nullptr;
    for (const Alias &a : aliases) {
        if (a.word == words.first()) {
            words.removeFirst();
            words.prepend(a.verb);
            words.prepend(a.noun);
            break;
        }
    }
    *noun = words.first();
    for (const Command &c : commands) {
        if (c.noun != *noun)
            continue;
        if (c.verb.isEmpty()) {
            words.removeFirst();
            return &c;
        }
        if (words.size() > 1 && c.verb == words.at(1)) {
            words.remove(0, 2);
            return &c;
        }
    }
    return nullptr;
}

bool knownNoun(const QList<Command> &commands, const QString &noun)
{
    return std::any_of(commands.cbegin(), commands.cend(),
                       [&noun](const Command &c) { return c.noun == noun; });
}

} // namespace

QStringList Invocation::list(const QString &name) const
{
    QStringList out;
    const QStringList parts = values.value(name).split(u',', Qt::SkipEmptyParts);
    for (const QString &p : parts) {
        if (!p.trimmed().isEmpty())
            out << p.trimmed();
    }
    return out;
}

bool looksLikeSecret(const QString &value)
{
    static const QRegularExpression re(
            u"^(sk-|sk_(live|test)_|rk_(live|test)_|xox[abposr]-|gh[pousr]_|github_pat_|glpat-|"
            "tap_|taps_|ya29\\.|AIza|xapp-|shpat_|npm_|pypi-)[A-Za-z0-9_\\-.]{8,}|"
            "^(AKIA|ASIA)[A-Z0-9]{16}$|^eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}\\.|"
            "^(Bearer|Basic|Token)\\s+[^{\\s]|-----BEGIN [A-Z ]*PRIVATE KEY"_s);
    return re.match(value.trimmed()).hasMatch();
}

QString secretRefusal(const QString &option, const QString &value)
{
    const QString hint = u"secrets are never taken from the command line (shell history, ps); "
                         "use the prompt, --value-file PATH, or pipe the secret on stdin"_s;
    if (kSecretOptionNames.contains(option))
        return u"refusing --%1: %2"_s.arg(option, hint);
    if (looksLikeSecret(value)) {
        const QString where = option.isEmpty() ? u"an argument"_s : u"--"_s + option;
        return u"refusing %1 that looks like a secret: %2"_s.arg(where, hint);
    }
    return {};
}

QString usageLine(const Command &c)
{
    QString line = u"tap "_s + c.path();
    for (const QString &p : c.positionals)
        line += u' ' + p;
    if (!c.options.isEmpty())
        line += u" [options]"_s;
    return u"usage: "_s + line;
}

static QString optionLines(const QList<Option> &options)
{
    QString out;
    for (const Option &o : options) {
        QString head = u"  --"_s + o.name;
        if (!o.valueName.isEmpty())
            head += u' ' + o.valueName;
        out += head.leftJustified(32) + u' ' + o.help + u'\n';
    }
    return out;
}

QString commandHelp(const Command &c)
{
    QString out = c.summary + u"\n\n"_s + usageLine(c) + u"\n"_s;
    if (!c.options.isEmpty())
        out += u"\noptions:\n"_s + optionLines(c.options);
    out += u"\nglobal options:\n"_s + optionLines(kGlobalOptions);
    if (!c.details.isEmpty())
        out += u'\n' + c.details + u'\n';
    return out;
}

QString nounHelp(const QList<Command> &commands, const QString &noun)
{
    QString out = u"usage: tap %1 <command> [options]\n\ncommands:\n"_s.arg(noun);
    for (const Command &c : commands) {
        if (c.noun == noun)
            out += QString(u"  "_s + c.verb).leftJustified(20) + u' ' + c.summary + u'\n';
    }
    out += u"\nRun 'tap %1 <command> --help' for the options of a command.\n"_s.arg(noun);
    return out;
}

QString topHelp(const QList<Command> &commands, const QList<Alias> &aliases)
{
    QString out = u"tap — command-line administration of a TAP server\n\n"
                  "usage: tap <noun> <verb> [options]   or   tap <command> [options]\n\n"
                  "commands:\n"_s;
    QStringList seen;
    for (const Command &c : commands) {
        if (seen.contains(c.noun))
            continue;
        seen << c.noun;
        const QString what = c.verb.isEmpty() ? c.summary : u"(%1 commands)"_s.arg(c.noun);
        out += QString(u"  "_s + c.noun).leftJustified(20) + u' ' + what + u'\n';
    }
    for (const Alias &a : aliases)
        out += QString(u"  "_s + a.word).leftJustified(20)
                + u" same as 'tap %1 %2'\n"_s.arg(a.noun, a.verb);
    out += u"\nglobal options:\n"_s + optionLines(kGlobalOptions);
    out += u"\nenvironment: TAP_URL (server), TAP_SESSION (session token, for scripts and CI)\n"
           "exit codes: 0 success, 1 error, 2 usage\n"_s;
    return out;
}

static ParseResult parseOptions(const Command &c, Invocation inv, const QStringList &rest)
{
    const QString usage = usageLine(c);
    for (qsizetype i = 0; i < rest.size(); ++i) {
        QString token = rest.at(i);
        if (!isOptionToken(token)) {
            inv.positionals << token;
            continue;
        }
        // One-letter spellings of long options: -f FILE is --file FILE.
        static const QHash<QString, QString> shortNames{ { u"-f"_s, u"file"_s } };
        QString name = shortNames.value(token, token.mid(2));
        QString value;
        bool hasValue = false;
        if (const qsizetype eq = name.indexOf(u'='); eq >= 0) {
            value = name.mid(eq + 1);
            name.truncate(eq);
            hasValue = true;
        }
        if (name == u"json"_s && !hasValue) {
            inv.json = true;
            continue;
        }
        const Option *opt = findOption(c.options, name);
        const bool isUrl = name == u"url"_s;
        const bool isProfile = name == u"profile"_s;
        if (!opt && !isUrl && !isProfile) {
            if (kSecretOptionNames.contains(name))
                return usageError(secretRefusal(name, value), usage);
            return usageError(u"unknown option %1 for 'tap %2'"_s.arg(token, c.path()), usage);
        }
        const bool takesValue = isUrl || isProfile || !opt->valueName.isEmpty();
        if (!takesValue) {
            if (hasValue)
                return usageError(u"--%1 takes no value"_s.arg(name), usage);
            inv.flags.insert(name);
            continue;
        }
        if (!hasValue) {
            if (i + 1 >= rest.size())
                return usageError(u"--%1 needs a value"_s.arg(name), usage);
            value = rest.at(++i);
        }
        if (const QString why = secretRefusal(name, value); !why.isEmpty())
            return usageError(why, usage);
        if (isUrl)
            inv.url = value;
        else if (isProfile)
            inv.profile = value;
        else
            inv.values.insert(name, value);
    }
    for (const QString &p : std::as_const(inv.positionals)) {
        if (const QString why = secretRefusal({}, p); !why.isEmpty())
            return usageError(why, usage);
    }
    if (inv.positionals.size() < requiredPositionals(c))
        return usageError(u"missing argument %1"_s.arg(c.positionals.at(inv.positionals.size())),
                          usage);
    if (inv.positionals.size() > c.positionals.size())
        return usageError(
                u"unexpected argument '%1'"_s.arg(inv.positionals.at(c.positionals.size())), usage);
    ParseResult r;
    r.kind = ParseResult::Kind::Run;
    r.command = &c;
    r.invocation = std::move(inv);
    return r;
}

ParseResult parse(const QList<Command> &commands, const QList<Alias> &aliases,
                  const QStringList &args)
{
    Words w = splitWords(args);
    // Global options may come before the command ("tap --json agent list").
    Invocation inv;
    while (!w.rest.isEmpty() && w.words.isEmpty()) {
        const QString first = w.rest.first();
        if (first == u"--json"_s) {
            inv.json = true;
            w.rest.removeFirst();
        } else if (first == u"--url"_s && w.rest.size() > 1) {
            inv.url = w.rest.at(1);
            w.rest.remove(0, 2);
        } else if (first.startsWith(u"--url="_s)) {
            inv.url = first.mid(6);
            w.rest.removeFirst();
        } else if (first == u"--profile"_s && w.rest.size() > 1) {
            inv.profile = w.rest.at(1);
            w.rest.remove(0, 2);
        } else if (first.startsWith(u"--profile="_s)) {
            inv.profile = first.mid(10);
            w.rest.removeFirst();
        } else {
            break;
        }
        // Words after the global options.
        while (!w.rest.isEmpty() && !isOptionToken(w.rest.first()))
            w.words << w.rest.takeFirst();
    }
    if (w.words.isEmpty()) {
        if (w.help)
            return help(topHelp(commands, aliases));
        if (!w.rest.isEmpty())
            return usageError(u"unknown option %1"_s.arg(w.rest.first()),
                              u"usage: tap <noun> <verb> [options]"_s);
        return usageError(u"no command given"_s, u"usage: tap <noun> <verb> [options]"_s);
    }
    QString noun;
    const Command *c = resolve(commands, aliases, w.words, &noun);
    if (!c) {
        if (!knownNoun(commands, noun))
            return usageError(u"unknown command '%1'"_s.arg(noun),
                              u"usage: tap <noun> <verb> [options]"_s);
        if (w.help && w.words.size() == 1)
            return help(nounHelp(commands, noun));
        const QString verb = w.words.value(1);
        return usageError(verb.isEmpty() ? u"'tap %1' needs a command"_s.arg(noun)
                                         : u"unknown command 'tap %1 %2'"_s.arg(noun, verb),
                          u"usage: tap %1 <command> [options] (see 'tap %1 --help')"_s.arg(noun));
    }
    if (w.help)
        return help(commandHelp(*c));
    inv.positionals = w.words;
    return parseOptions(*c, std::move(inv), w.rest);
}

} // namespace tap::cli
