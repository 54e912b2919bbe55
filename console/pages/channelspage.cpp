#include "pages/channelspage.h"

#include "api/validation.h"
#include "dialogs/formdialog.h"

#include <QComboBox>
#include <QJsonDocument>
#include <QLineEdit>
#include <QRegularExpression>

namespace tap::console {

namespace {

QString path(const QString &name)
{
    return QStringLiteral("/admin/notification-channels/") + apiclient::ApiClient::segment(name);
}

// The server's rules per channel type (service/admin/channels.cpp checkConfig).
QString validate(FormDialog *d)
{
    if (!api::checkObjectName(QStringLiteral("name"), d->text(QStringLiteral("channelName"))))
        return ChannelsPage::tr("Name: 1–64 letters, digits, '.', '_' or '-', starting with a "
                                "letter or digit.");
    const QString type = d->text(QStringLiteral("channelType"));
    if (type == u"telegram") {
        static const QRegularExpression chat(
                QStringLiteral("^(-?[0-9]{1,20}|@[A-Za-z0-9_]{5,64})$"));
        if (!chat.match(d->text(QStringLiteral("chatId"))).hasMatch())
            return ChannelsPage::tr("The chat must be a Telegram chat id such as -100123456.");
        static const QRegularExpression token(QStringLiteral("^[^\\s]{0,256}$"));
        if (!token.match(d->findChild<QLineEdit *>(QStringLiteral("botToken"))->text()).hasMatch())
            return ChannelsPage::tr("The bot token is one word of at most 256 characters.");
    } else if (type == u"matrix") {
        const QString room = d->text(QStringLiteral("roomId"));
        if (!(room.startsWith(u'!') || room.startsWith(u'#')) || !room.contains(u':'))
            return ChannelsPage::tr("The room must be a Matrix room id such as "
                                    "!abc:example.org.");
    }
    return {};
}

} // namespace

ChannelsPage::ChannelsPage(Session *session, const Environment &env, QWidget *parent)
    : Page(session, env, parent)
{
    setObjectName(QStringLiteral("channelsPage"));
    addButton(tr("&New…"), QStringLiteral("newButton"), QStringLiteral("add"), Configures,
              [this] { create(); });
    addButton(tr("Send &test"), QStringLiteral("testButton"), QStringLiteral("channel"),
              NeedsSelection | Configures, [this] { test(); });
    addButton(tr("&Delete"), QStringLiteral("deleteButton"), QStringLiteral("delete"),
              NeedsSelection | Configures, [this] { removeSelected(); });
    setupTable(QStringLiteral("channelsTable"),
               { tr("Name"), tr("Type"), tr("Settings"), tr("State"), tr("Created") });
}

void ChannelsPage::refresh()
{
    fetchList(QStringLiteral("/admin/notification-channels"), QStringLiteral("channels"),
              [](const QJsonObject &c) {
                  QString settings = QString::fromUtf8(
                          QJsonDocument(c.value(QStringLiteral("config")).toObject())
                                  .toJson(QJsonDocument::Compact));
                  if (c.value(QStringLiteral("has_bot_token")).toBool())
                      settings += tr(" (bot token set)");
                  return QStringList{ c.value(QStringLiteral("name")).toString(),
                                      c.value(QStringLiteral("channel_type")).toString(), settings,
                                      c.value(QStringLiteral("enabled")).toBool(true)
                                              ? tr("enabled")
                                              : tr("disabled"),
                                      shortTime(c.value(QStringLiteral("created_at"))) };
              });
}

void ChannelsPage::create()
{
    auto *d = new FormDialog(QStringLiteral("channelDialog"), tr("New notification channel"), this);
    d->addLine(QStringLiteral("channelName"), tr("&Name:"));
    auto *type = d->addCombo(
            QStringLiteral("channelType"), tr("&Type:"),
            { QStringLiteral("telegram"), QStringLiteral("matrix"), QStringLiteral("desktop") });
    auto *chat = d->addLine(QStringLiteral("chatId"), tr("Telegram &chat:"), {},
                            QStringLiteral("-100123456"));
    auto *token = d->addSecret(QStringLiteral("botToken"), tr("&Bot token (optional):"));
    auto *room = d->addLine(QStringLiteral("roomId"), tr("Matrix &room:"), {},
                            QStringLiteral("!abc:example.org"));
    const auto enableFields = [chat, token, room](const QString &t) {
        chat->setEnabled(t == u"telegram");
        token->setEnabled(t == u"telegram");
        room->setEnabled(t == u"matrix");
    };
    connect(type, &QComboBox::currentTextChanged, d, enableFields);
    enableFields(type->currentText());
    d->setValidator([d] { return validate(d); });
    d->setSubmit([this, token](FormDialog *dialog) {
        const QString t = dialog->text(QStringLiteral("channelType"));
        QJsonObject config;
        if (t == u"telegram") {
            config.insert(QStringLiteral("chat_id"), dialog->text(QStringLiteral("chatId")));
            if (!token->text().isEmpty())
                config.insert(QStringLiteral("bot_token"), token->text());
        } else if (t == u"matrix") {
            config.insert(QStringLiteral("room_id"), dialog->text(QStringLiteral("roomId")));
        }
        api()->post(QStringLiteral("/admin/notification-channels"),
                    { { QStringLiteral("name"), dialog->text(QStringLiteral("channelName")) },
                      { QStringLiteral("channel_type"), t },
                      { QStringLiteral("config"), config } },
                    [this, dialog](const Reply &r) {
                        dialog->finish(r);
                        if (r.ok())
                            refresh();
                    });
    });
    d->open();
}

void ChannelsPage::test()
{
    const QString name = selectedRow().value(QStringLiteral("name")).toString();
    if (name.isEmpty())
        return;
    showStatus(tr("Sending a test message to %1…").arg(name));
    call("POST", path(name) + QStringLiteral("/test"), {}, [this, name](const QJsonObject &) {
        showStatus(tr("A test message was sent to %1.").arg(name));
    });
}

void ChannelsPage::removeSelected()
{
    const QString name = selectedRow().value(QStringLiteral("name")).toString();
    if (name.isEmpty()
        || !confirm(tr("Delete channel"),
                    tr("Delete the notification channel %1? Policies that send approvals there "
                       "fall back to the default channels.")
                            .arg(name)))
        return;
    call("DELETE", path(name), {}, [this, name](const QJsonObject &) {
        showStatus(tr("Deleted %1.").arg(name));
        refresh();
    });
}

} // namespace tap::console
