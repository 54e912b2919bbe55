#include "pages/page.h"

#include "app/errortext.h"
#include "app/icons.h"
#include "session/session.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace tap::console {

Page::Page(Session *session, const Environment &env, QWidget *parent)
    : QWidget(parent), m_session(session), m_env(env)
{
    m_body = new QVBoxLayout(this);
    m_toolbar = new QHBoxLayout;
    m_body->addLayout(m_toolbar);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("filterEdit"));
    m_filter->setPlaceholderText(tr("Filter…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMaximumWidth(260);
    m_toolbar->addStretch();
    m_toolbar->addWidget(m_filter);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("errorLabel"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_error->hide();
    m_body->addWidget(m_error);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("statusLabel"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->hide();
    m_body->addWidget(m_status);
    connect(m_session, &Session::signedIn, this, &Page::updateButtons);
}

apiclient::ApiClient *Page::api()
{
    return m_session->api();
}

void Page::clear()
{
    if (m_model)
        m_model->setRows({});
    m_loaded = false;
    updateEmptyText();
    showError({});
    showStatus({});
}

QString Page::errorText() const
{
    return m_error->text();
}

QString Page::statusText() const
{
    return m_status->text();
}

QString Page::emptyMessage() const
{
    return m_empty && m_empty->isVisibleTo(this) ? m_empty->text() : QString();
}

void Page::setupTable(const QString &objectName, QList<Column> columns)
{
    m_model = new RowsModel(std::move(columns), this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortRole(RowsModel::SortRole);
    m_proxy->setSortLocaleAware(true);
    m_table = new QTableView(this);
    m_table->setObjectName(objectName);
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false); // timestamps and names on one line
    // QHeaderView starts descending: first column A→Z under an ascending arrow instead.
    m_table->horizontalHeader()->setSortIndicator(0, Qt::AscendingOrder);
    m_table->setSortingEnabled(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_body->addWidget(m_table, 1);
    m_empty = new QLabel(this);
    m_empty->setObjectName(QStringLiteral("emptyLabel"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setStyleSheet(QStringLiteral("color: palette(mid);"));
    m_empty->hide();
    m_body->addWidget(m_empty);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &Page::updateEmptyText);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &Page::updateEmptyText);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &Page::updateEmptyText);
    connect(m_filter, &QLineEdit::textChanged, m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);
    connect(m_filter, &QLineEdit::textChanged, this, &Page::updateEmptyText);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &Page::updateButtons);
}

QPushButton *Page::addButton(const QString &text, const QString &objectName,
                             const QString &iconName, int flags, std::function<void()> slot)
{
    auto *b = new QPushButton(icon(iconName), text, this);
    b->setObjectName(objectName);
    m_toolbar->insertWidget(m_toolbar->count() - 2, b); // before the stretch and the filter
    connect(b, &QPushButton::clicked, this, std::move(slot));
    m_buttons.append({ b, flags });
    updateButtons();
    return b;
}

bool Page::hasSelection() const
{
    return m_table && m_table->selectionModel()->hasSelection();
}

void Page::updateButtons()
{
    const bool selected = hasSelection();
    for (const auto &[b, flags] : std::as_const(m_buttons)) {
        const bool allowed =
                m_session->canConfigure() || ((flags & ManagesAgents) && m_session->isApprover());
        const bool enabled = (!(flags & NeedsSelection) || selected)
                && (!(flags & (Configures | ManagesAgents)) || allowed);
        b->setEnabled(enabled);
        if (flags & ManagesAgents)
            b->setToolTip(allowed ? QString()
                                  : tr("Only owners, admins and approvers can manage agents."));
        else if (flags & Configures)
            b->setToolTip(m_session->canConfigure()
                                  ? QString()
                                  : tr("Only owners and admins can change the configuration."));
    }
    updateEmptyText();
    emit actionsChanged();
}

bool Page::canCreate() const
{
    for (const auto &[b, flags] : m_buttons) {
        if (flags & CreatesNew)
            return m_session->isSignedIn() && b->isEnabled();
    }
    return false;
}

bool Page::canDelete() const
{
    for (const auto &[b, flags] : m_buttons) {
        if (flags & Deletes)
            return m_session->isSignedIn() && b->isEnabled();
    }
    return false;
}

void Page::setRows(const QList<QJsonObject> &rows)
{
    QString previous;
    if (m_table->selectionModel()->hasSelection()) {
        const QModelIndex index =
                m_proxy->mapToSource(m_table->selectionModel()->selectedRows().value(0));
        if (index.isValid())
            previous = index.data().toString();
    }
    m_model->setRows(rows);
    m_table->resizeColumnsToContents();
    if (!previous.isEmpty())
        selectKey(previous);
    m_loaded = true;
    updateButtons();
    updateEmptyText();
}

QString Page::emptyText() const
{
    if (canCreate())
        return tr("Nothing here yet. Add the first one with New… (Ctrl+N).");
    return tr("Nothing here yet.");
}

void Page::updateEmptyText()
{
    if (!m_empty)
        return;
    const bool empty = m_loaded && m_proxy->rowCount() == 0;
    m_empty->setText(!empty                               ? QString()
                             : m_filter->text().isEmpty() ? emptyText()
                                                          : tr("No rows match the filter."));
    m_empty->setVisible(empty);
}

QJsonObject Page::selectedRow() const
{
    if (!m_table || !m_table->selectionModel()->hasSelection())
        return {};
    const QModelIndex index =
            m_proxy->mapToSource(m_table->selectionModel()->selectedRows().value(0));
    if (!index.isValid())
        return {};
    return m_model->row(index.row());
}

void Page::selectKey(const QString &key)
{
    if (const int row = m_model->find(key); row >= 0)
        m_table->selectRow(m_proxy->mapFromSource(m_model->index(row, 0)).row());
}

void Page::call(const QByteArray &verb, const QString &path, const QJsonObject &body, Json ok,
                const QUrlQuery &query)
{
    auto done = [this, ok = std::move(ok)](const Reply &r) {
        if (!r.ok())
            return showError(ErrorText::of(r));
        showError({});
        if (ok)
            ok(r.body);
    };
    apiclient::ApiClient::Options options;
    options.query = query;
    if (verb == "GET")
        api()->get(path, this, done, options);
    else if (verb == "POST")
        api()->post(path, body, this, done, options);
    else if (verb == "PUT")
        api()->put(path, body, this, done, options);
    else if (verb == "PATCH")
        api()->patch(path, body, this, done, options);
    else
        api()->remove(path, this, done, options);
}

void Page::fetchList(const QString &path, const QString &listKey)
{
    call("GET", path, {}, [this, listKey](const QJsonObject &body) {
        QList<QJsonObject> rows;
        const QJsonArray array = body.value(listKey).toArray();
        for (const QJsonValue &v : array)
            rows.append(v.toObject());
        setRows(rows);
    });
}

bool Page::confirm(const QString &title, const QString &text)
{
    return m_env.confirm ? m_env.confirm(this, title, text) : true;
}

void Page::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
    if (!message.isEmpty())
        showStatus({});
}

void Page::showStatus(const QString &message)
{
    m_status->setText(message);
    m_status->setVisible(!message.isEmpty());
}

} // namespace tap::console
