#pragma once

#include "app/environment.h"
#include "apiclient/apiclient.h"
#include "models/rowsmodel.h"

#include <QJsonObject>
#include <QWidget>

#include <functional>

class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QVBoxLayout;

namespace tap::console {

class Session;

// One page of the console: a toolbar, a message line, a filterable table of JSON rows from the
// admin API. Subclasses fill the table in refresh() and add their actions.
class Page : public QWidget
{
    Q_OBJECT
public:
    using Reply = apiclient::ApiClient::Reply;
    using Json = std::function<void(const QJsonObject &)>;
    // ManagesAgents: like Configures, but approvers too (their own agents; the server decides).
    // CreatesNew / Deletes: the button Ctrl+N / Delete stand for (the menu actions follow its
    // enabled state, so they do nothing for a role or state the button is disabled in).
    enum ButtonFlag {
        Always = 0,
        NeedsSelection = 1,
        Configures = 2,
        ManagesAgents = 4,
        CreatesNew = 8,
        Deletes = 16
    };
    Page(Session *session, const Environment &env, QWidget *parent = nullptr);

    virtual QString title() const = 0;
    virtual QString iconName() const = 0;
    virtual void refresh() = 0;
    // Forgets everything shown (on sign-out).
    virtual void clear();
    // Ctrl+N and Delete on the current page.
    virtual void createNew() { }
    virtual void deleteSelected() { }
    // Before the window shows another page: false keeps this one (unsaved edits, Cancel).
    virtual bool canLeave() { return true; }
    // Whether Ctrl+N / Delete apply now (the page's New / Delete button is enabled).
    bool canCreate() const;
    bool canDelete() const;

    QLineEdit *filterEdit() const { return m_filter; }
    // The rows of the page's table (null on a page without one).
    RowsModel *rowsModel() const { return m_model; }
    QString errorText() const;
    QString statusText() const;
    // Shown instead of rows when the table is empty: what to do next.
    QString emptyMessage() const;
    // Re-evaluates which buttons apply (selection, role).
    virtual void updateButtons();

signals:
    // The buttons' enabled states may have changed (canCreate(), canDelete()).
    void actionsChanged();

protected:
    apiclient::ApiClient *api();
    Session *session() const { return m_session; }
    const Environment &env() const { return m_env; }
    QHBoxLayout *toolbar() const { return m_toolbar; }
    QVBoxLayout *body() const { return m_body; }
    QTableView *table() const { return m_table; }
    virtual bool hasSelection() const;

    void setupTable(const QString &objectName, QList<Column> columns);
    QPushButton *addButton(const QString &text, const QString &objectName, const QString &icon,
                           int flags, std::function<void()> slot);
    // Shows the server's rows, keeping the selected one selected.
    void setRows(const QList<QJsonObject> &rows);
    QJsonObject selectedRow() const;
    // Selects the row whose first column shows `key`.
    void selectKey(const QString &key);

    // A call whose failure is shown on the page; `ok` runs with the answer's body on success.
    // Bound to the page's lifetime; `query` is the URL's query.
    void call(const QByteArray &verb, const QString &path, const QJsonObject &body, Json ok,
              const QUrlQuery &query = {});
    void fetchList(const QString &path, const QString &listKey);
    bool confirm(const QString &title, const QString &text);
    void showError(const QString &message);
    void showStatus(const QString &message);

    // What an empty table tells (default: add one with New…, when allowed).
    virtual QString emptyText() const;
    void updateEmptyText();

private:
    Session *m_session;
    Environment m_env;
    QVBoxLayout *m_body;
    QHBoxLayout *m_toolbar;
    QLineEdit *m_filter;
    QLabel *m_error;
    QLabel *m_status;
    RowsModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_empty = nullptr;
    bool m_loaded = false; // the table shows an answer of the server (not just "not loaded")
    QList<QPair<QPushButton *, int>> m_buttons;
};

} // namespace tap::console
