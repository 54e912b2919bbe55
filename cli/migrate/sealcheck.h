// Proof that a database's sealed values open with a master key: the key check, every team's
// wrapped data key, and every value sealed with a team key (credential values, notification
// channel secrets, reviewed requests and stored responses of approvals). Nothing is decrypted
// into output: only whether it opens, and which row does not.
#pragma once

#include "core/result.h"
#include "crypto/keyring.h"
#include "store/database.h"

namespace tap::cli::migrate {

// Returns the number of sealed values that opened (the key check and the team keys included);
// an error naming the first row that does not (ErrorCode::Forbidden for a wrong master key).
core::Result<qint64> checkSealedValues(store::Database &db, const crypto::KeyRing &keys);

} // namespace tap::cli::migrate
