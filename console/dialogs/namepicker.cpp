#include "dialogs/namepicker.h"

#include "apiclient/apiclient.h"
#include "dialogs/flowlayout.h"
#include "dialogs/formdialog.h" // splitList()

#include <QAbstractItemView>
#include <QCompleter>
#include <QEvent>
#include <QJsonArray>
#include <QKeyEvent>
#include <QLineEdit>
#include <QStringListModel>
#include <QToolButton>

namespace tap::console {

NamePicker::NamePicker(const QString &objectName, QWidget *parent) : QWidget(parent)
{
    setObjectName(objectName);
    m_flow = new FlowLayout(this, 3); // the chips, then the field
    m_edit = new QLineEdit(this);
    m_edit->setObjectName(objectName + QStringLiteral("Edit"));
    m_edit->setMinimumWidth(120);
    m_edit->installEventFilter(this);
    m_flow->addWidget(m_edit);
    m_known = new QStringListModel(this);
    m_completer = new QCompleter(m_known, this);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setFilterMode(Qt::MatchContains);
    m_edit->setCompleter(m_completer);
    // Queued: QLineEdit connects itself on focus-in (after this), and puts the completion in
    // the field; the chip replaces it once that is done.
    connect(
            m_completer, qOverload<const QString &>(&QCompleter::activated), this,
            [this](const QString &name) { add(name); }, Qt::QueuedConnection);
    m_completer->popup()->installEventFilter(this); // before the completer's own filter
    setFocusProxy(m_edit);
    setFocusPolicy(m_edit->focusPolicy());
}

QStringList NamePicker::names() const
{
    QStringList out = m_names;
    for (const QString &typed : splitList(m_edit->text())) {
        if (!out.contains(typed))
            out << typed;
    }
    return out;
}

void NamePicker::setNames(const QStringList &names)
{
    m_names.clear();
    m_edit->clear();
    for (const QString &name : names) {
        if (!name.trimmed().isEmpty() && !m_names.contains(name.trimmed()))
            m_names << name.trimmed();
    }
    showChips();
    emit namesChanged();
}

void NamePicker::setKnownNames(const QStringList &names)
{
    m_known->setStringList(names);
    m_knownLoaded = true;
    showChips(); // re-flags
}

QStringList NamePicker::knownNames() const
{
    return m_known->stringList();
}

QStringList NamePicker::unknownNames() const
{
    QStringList out;
    if (!m_knownLoaded)
        return out;
    const QStringList known = m_known->stringList();
    for (const QString &name : names()) {
        if (!known.contains(name))
            out << name;
    }
    return out;
}

void NamePicker::fetchKnownNames(apiclient::ApiClient *api, const QString &path,
                                 const QString &listKey, const QString &nameKey)
{
    api->get(path, this, [this, listKey, nameKey](const apiclient::ApiClient::Reply &r) {
        if (!r.ok())
            return;
        QStringList names;
        const QJsonArray list = r.body.value(listKey).toArray();
        for (const QJsonValue &v : list)
            names << v.toObject().value(nameKey).toString();
        names.removeAll(QString());
        names.sort(Qt::CaseInsensitive);
        setKnownNames(names);
    });
}

void NamePicker::setPlaceholderText(const QString &text)
{
    m_edit->setPlaceholderText(text);
}

bool NamePicker::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_completer->popup() && event->type() == QEvent::KeyPress)
        return popupKey(static_cast<QKeyEvent *>(event));
    // The completer's popup handles its own keys (Enter there picks the highlighted name);
    // these are keys the field gets while no popup is shown.
    if (watched != m_edit || event->type() != QEvent::KeyPress)
        return QWidget::eventFilter(watched, event);
    const auto *key = static_cast<QKeyEvent *>(event);
    const bool enter = key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter;
    if (enter && !m_edit->text().trimmed().isEmpty()) {
        add(m_edit->text()); // an empty field lets Enter through (the dialog's OK)
        return true;
    }
    if (key->key() == Qt::Key_Backspace && m_edit->text().isEmpty() && !m_names.isEmpty()) {
        remove(m_names.last());
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

// Enter in the popup with no row highlighted takes the first completion (the completer would
// only close the popup, leaving the typed prefix).
bool NamePicker::popupKey(const QKeyEvent *key)
{
    QAbstractItemView *popup = m_completer->popup();
    if ((key->key() != Qt::Key_Return && key->key() != Qt::Key_Enter)
        || popup->currentIndex().isValid())
        return false;
    const QModelIndex first = m_completer->completionModel()->index(0, 0);
    popup->hide();
    add(first.isValid() ? first.data().toString() : m_edit->text());
    return true;
}

void NamePicker::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::EnabledChange)
        showChips();
}

void NamePicker::add(const QString &text)
{
    for (const QString &name : splitList(text)) {
        if (!m_names.contains(name))
            m_names << name;
    }
    m_edit->clear();
    showChips();
    emit namesChanged();
}

void NamePicker::remove(const QString &name)
{
    m_names.removeAll(name);
    showChips();
    emit namesChanged();
    m_edit->setFocus();
}

// One chip per name: "name ×", a click removes it; an unknown name is flagged. The chips wrap
// onto new lines before the field.
void NamePicker::showChips()
{
    while (QLayoutItem *item = m_flow->takeAt(0)) {
        if (QWidget *chip = item->widget(); chip && chip != m_edit) { // maybe the one clicked
            chip->hide();
            chip->deleteLater();
        }
        delete item;
    }
    const QStringList unknown = unknownNames();
    for (const QString &name : std::as_const(m_names)) {
        auto *chip = new QToolButton(this);
        chip->setObjectName(QStringLiteral("chip"));
        chip->setText(name + QStringLiteral(" ×"));
        chip->setFocusPolicy(Qt::NoFocus); // Backspace in the field removes, Tab skips chips
        chip->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed); // whole names, the form grows
        chip->setEnabled(isEnabled());
        if (unknown.contains(name)) {
            chip->setStyleSheet(QStringLiteral("color: #b00020;"));
            chip->setToolTip(tr("%1 is not on the server's list. Click to remove it.").arg(name));
        } else {
            chip->setToolTip(tr("Remove %1").arg(name));
        }
        connect(chip, &QToolButton::clicked, this, [this, name] { remove(name); });
        m_flow->addWidget(chip);
    }
    m_flow->addWidget(m_edit);
}

} // namespace tap::console
