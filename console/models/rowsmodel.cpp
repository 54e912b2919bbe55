#include "models/rowsmodel.h"

#include <QDateTime>
#include <QLocale>

#include <limits>

namespace tap::console {

Column::Text Column::value(const QString &jsonKey)
{
    return [jsonKey](const QJsonObject &row) { return row.value(jsonKey).toString(); };
}

Column Column::of(const QString &header, Text text)
{
    return { header, std::move(text), {} };
}

Column Column::time(const QString &header, Text rfc3339)
{
    return { header,
             [rfc3339](const QJsonObject &row) { return RowsModel::shortTime(rfc3339(row)); },
             [rfc3339](const QJsonObject &row) {
                 // Invalid (no time) sorts before every time.
                 return QVariant(QDateTime::fromString(rfc3339(row), Qt::ISODateWithMs).toUTC());
             } };
}

Column Column::limit(const QString &header, const QString &jsonKey, const QString &noneText)
{
    return { header,
             [jsonKey, noneText](const QJsonObject &row) {
                 const qint64 v = row.value(jsonKey).toInteger();
                 return v > 0 ? QString::number(v) : noneText;
             },
             [jsonKey](const QJsonObject &row) {
                 const qint64 v = row.value(jsonKey).toInteger();
                 return QVariant(v > 0 ? v : std::numeric_limits<qint64>::max());
             } };
}

Column Column::number(const QString &header, const QString &jsonKey)
{
    return { header,
             [jsonKey](const QJsonObject &row) {
                 const QJsonValue v = row.value(jsonKey);
                 return v.isDouble() ? QString::number(v.toInteger()) : QString();
             },
             [jsonKey](const QJsonObject &row) {
                 const QJsonValue v = row.value(jsonKey);
                 // A row without one sorts before every number.
                 return QVariant(v.isDouble() ? v.toInteger() : std::numeric_limits<qint64>::min());
             } };
}

RowsModel::RowsModel(QList<Column> columns, QObject *parent)
    : QAbstractTableModel(parent), m_columns(std::move(columns))
{
}

int RowsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RowsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

QVariant RowsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        return row.texts.at(index.column());
    case RowRole:
        return row.json;
    case SortRole:
        return row.keys.at(index.column());
    default:
        return {};
    }
}

QVariant RowsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0
        || section >= m_columns.size())
        return QAbstractTableModel::headerData(section, orientation, role);
    return m_columns.at(section).header;
}

void RowsModel::setRows(const QList<QJsonObject> &rows)
{
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(rows.size());
    for (const QJsonObject &json : rows) {
        Row row{ json, {}, {} };
        for (const Column &c : std::as_const(m_columns)) {
            row.texts << c.text(json);
            row.keys << (c.sortKey ? c.sortKey(json) : QVariant(row.texts.last().toCaseFolded()));
        }
        m_rows.append(std::move(row));
    }
    endResetModel();
}

QJsonObject RowsModel::row(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).json : QJsonObject();
}

int RowsModel::find(const QString &text) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (!m_rows.at(i).texts.isEmpty() && m_rows.at(i).texts.first() == text)
            return i;
    }
    return -1;
}

QString RowsModel::shortTime(const QString &rfc3339)
{
    const QDateTime t = QDateTime::fromString(rfc3339, Qt::ISODateWithMs);
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QLocale::ShortFormat) : QString();
}

} // namespace tap::console
