// The mail message itself: mailboxes (a deliberately narrow RFC 5322 subset), RFC 2047 encoded
// words, the Date header, CRLF bodies and their Content-Transfer-Encoding (RFC 2045), and SMTP
// dot-stuffing (RFC 5321 §4.5.2). Internal to the Mailer (mailer.h).
#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QString>

namespace tap::channels {

struct Mailbox
{
    QString display;
    QByteArray address;
};

bool hasControl(const QString &s);

// "addr" or "Display Name <addr>" (the name may be quoted).
core::Result<Mailbox> parseMailbox(const QString &text, const QString &what);

QByteArray formatMailbox(const Mailbox &box);

QByteArray formatSubject(const QString &subject);

// RFC 5322 §3.3, in UTC and with English names whatever the locale.
QByteArray rfc5322Date(qint64 epochMs);

QByteArray normaliseBody(const QString &body);

struct Rendered
{
    QByteArray data;
    bool eightBit = false; // needs BODY=8BITMIME
};

// Picks the lightest Content-Transfer-Encoding the body and the transport allow: 7bit for
// short-lined ASCII, 8bit for UTF-8 when allowed (keeps outbox files readable: a link with
// "?code=…" stays intact), quoted-printable otherwise.
Rendered renderMessage(const QByteArray &headers, const QByteArray &body, bool allow8bit);

// RFC 5321 §4.5.2, plus the terminating ".". The message always ends with CRLF.
QByteArray dotStuff(const QByteArray &message);

} // namespace tap::channels
