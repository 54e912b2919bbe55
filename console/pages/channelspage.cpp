#include "pages/channelspage.h"

#include "api/channel.h"
#include "api/keys.h"
#include "dialogs/formdialog.h"

#include <QComboBox>
#include <QJsonDocument>
#include <QLineEdit>

namespace tap::console {

namespace {

QString path(const QString &name)
{
    return QStringLiteral("/admin/notification-channels/") + apiclient::ApiClient::segment(name);
}

api::ChannelInput formInput(FormDialog *d)
{
    api::ChannelInput in;
    in.name = d->text(QStringLiteral("channelName"));
    in.type = api::parseChannelType(d->text(QStringLiteral("channelType")))
                      .value_or(api::ChannelType::Desktop);
    if (in.type == api::ChannelType::Telegram) {
        in.config.insert(api::key::kChatId, d->text(QStringLiteral("chatId")));
        in.botToken = d->findChild<QLineEdit *>(QStringLiteral("botToken"))->text();
    } else if (in.type == api::ChannelType::Matrix) {
        in.config.insert(api::key::kRoomId, d->text(QStringLiteral("roomId")));
    }
    return in;
}

// The server's rules per channel type (api::ChannelInput::decode()), in the console's words.
QString validate(FormDialog *d)
{
    const auto decoded = api::ChannelInput::decode(formInput(d).encode());
    if (decoded)
        return {};
    const QString field = decoded.error().field();
    if (field == api::key::kName)
        return ChannelsPage::tr("Name: 1–64 letters, digits, '.', '_' or '-', starting with a "
                                "letter or digit.");
    if (field == u"config.chat_id")
        return ChannelsPage::tr("The chat must be a Telegram chat id such as -100123456.");
    if (field == u"config.bot_token")
        return ChannelsPage::tr("The bot token is one word of at most 256 characters.");
    if (field == u"config.room_id")
        return ChannelsPage::tr("The room must be a Matrix room id such as !abc:example.org.");
    return decoded.error().message();
}

// A channel's settings as JSON, and whether its bot token is set (never the token).
QString settingsText(const QJsonObject &row)
{
    const api::Channel c = api::Channel::decode(row);
    QString settings = QString::fromUtf8(QJsonDocument(c.config).toJson(QJsonDocument::Compact));
    if (c.hasBotToken)
        settings += ChannelsPage::tr(" (bot token set)");
    return settings;
}

} // namespace

ChannelsPage::ChannelsPage(Session *session, const Environment &env, QWidget *parent)
    : Page(session, env, parent)
{
    setObjectName(QStringLiteral("channelsPage"));
    addButton(tr("&New…"), QStringLiteral("newButton"), QStringLiteral("add"),
              Configures | CreatesNew, [this] { create(); });
    addButton(tr("Send &test"), QStringLiteral("testButton"), QStringLiteral("channel"),
              NeedsSelection | Configures, [this] { test(); });
    addButton(tr("&Delete"), QStringLiteral("deleteButton"), QStringLiteral("delete"),
              NeedsSelection | Configures | Deletes, [this] { removeSelected(); });
    setupTable(QStringLiteral("channelsTable"),
               { Column::of(tr("Name"), Column::value(api::key::kName)),
                 Column::of(tr("Type"),
                            [](const QJsonObject &o) {
                                return api::channelTypeName(api::Channel::decode(o).type);
                            }),
                 Column::of(tr("Settings"), &settingsText),
                 Column::of(tr("State"),
                            [](const QJsonObject &o) {
                                return api::Channel::decode(o).enabled ? tr("enabled")
                                                                       : tr("disabled");
                            }),
                 Column::time(tr("Created"), Column::value(api::key::kCreatedAt)) });
}

void ChannelsPage::refresh()
{
    fetchList(QStringLiteral("/admin/notification-channels"), api::key::kChannels);
}

void ChannelsPage::create()
{
    auto *d = new FormDialog(QStringLiteral("channelDialog"), tr("New notification channel"), this);
    d->addLine(QStringLiteral("channelName"), tr("&Name:"));
    auto *type = d->addCombo(QStringLiteral("channelType"), tr("&Type:"),
                             api::allNames<api::ChannelType>());
    auto *chat = d->addLine(QStringLiteral("chatId"), tr("Telegram &chat:"), {},
                            QStringLiteral("-100123456"));
    auto *token = d->addSecret(QStringLiteral("botToken"), tr("&Bot token (optional):"));
    auto *room = d->addLine(QStringLiteral("roomId"), tr("Matrix &room:"), {},
                            QStringLiteral("!abc:example.org"));
    const auto enableFields = [chat, token, room](const QString &t) {
        const auto parsed = api::parseChannelType(t);
        chat->setEnabled(parsed == api::ChannelType::Telegram);
        token->setEnabled(parsed == api::ChannelType::Telegram);
        room->setEnabled(parsed == api::ChannelType::Matrix);
    };
    connect(type, &QComboBox::currentTextChanged, d, enableFields);
    enableFields(type->currentText());
    d->setValidator([d] { return validate(d); });
    d->setSubmit([this](FormDialog *dialog) {
        dialog->track(api()->post(QStringLiteral("/admin/notification-channels"),
                                  formInput(dialog).encode(), dialog,
                                  [this, dialog](const Reply &r) {
                                      dialog->finish(r);
                                      if (r.ok())
                                          refresh();
                                  }));
    });
    d->open();
}

void ChannelsPage::test()
{
    const QString name = selectedRow().value(api::key::kName).toString();
    if (name.isEmpty())
        return;
    showStatus(tr("Sending a test message to %1…").arg(name));
    call("POST", path(name) + QStringLiteral("/test"), {}, [this, name](const QJsonObject &) {
        showStatus(tr("A test message was sent to %1.").arg(name));
    });
}

void ChannelsPage::removeSelected()
{
    const QString name = selectedRow().value(api::key::kName).toString();
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
