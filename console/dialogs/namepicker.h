#pragma once

#include <QStringList>
#include <QWidget>

class QCompleter;
class QKeyEvent;
class QLineEdit;
class QStringListModel;

namespace tap::apiclient {
class ApiClient;
}

namespace tap::console {

class FlowLayout;

// Picks names from a list the server knows (credentials, roles, members): type to complete,
// Enter adds, Backspace in the empty field removes the last, a chip's click removes it. Names
// the server's list lacks are flagged (unknownNames()) so a form can refuse them before
// sending. A pasted comma list adds each name.
class NamePicker : public QWidget
{
    Q_OBJECT
public:
    explicit NamePicker(const QString &objectName, QWidget *parent = nullptr);

    // The chosen names, with one typed but not yet added.
    QStringList names() const;
    void setNames(const QStringList &names);
    // The server's names: completion, and the names that are not flagged.
    void setKnownNames(const QStringList &names);
    QStringList knownNames() const;
    // Chosen names the server's list lacks (none while the list is not known).
    QStringList unknownNames() const;
    // Fills the known names from GET `path`: the `nameKey` of each object under `listKey`.
    // A failed answer leaves them unknown (the server then decides).
    void fetchKnownNames(apiclient::ApiClient *api, const QString &path, const QString &listKey,
                         const QString &nameKey);

    QLineEdit *lineEdit() const { return m_edit; }
    QCompleter *completer() const { return m_completer; }
    void setPlaceholderText(const QString &text);

signals:
    void namesChanged();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    bool popupKey(const QKeyEvent *key);
    void add(const QString &text);
    void remove(const QString &name);
    void showChips();

    FlowLayout *m_flow;
    QLineEdit *m_edit;
    QCompleter *m_completer;
    QStringListModel *m_known;
    QStringList m_names;
    bool m_knownLoaded = false;
};

} // namespace tap::console
