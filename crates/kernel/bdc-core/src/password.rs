//! Password policy (密码策略) and lock-out back-off (登录失败锁定).

use chrono::{DateTime, Duration, Utc};

/// Why a password was refused; each message is shown to the user as is.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordPolicyError {
    #[error("密码长度至少为 {0} 位")]
    TooShort(usize),
    #[error("密码长度不能超过 128 位")]
    TooLong,
    #[error("密码须包含大写字母、小写字母、数字、符号中的至少三类")]
    TooFewClasses,
    #[error("密码不能包含用户名")]
    ContainsUsername,
    /// zxcvbn finds the password among common passwords, words, names, dates or keyboard
    /// patterns (常见弱密码), so it falls to a guessing attack despite its character classes.
    #[error("密码过于常见或容易被猜到（如常用密码、单词加数字、键盘序列），请换一个更难猜的密码")]
    TooGuessable,
}

/// Minimum length of a password.
pub const MIN_LEN: usize = 10;

/// The lowest zxcvbn score a new password must reach: 3 means about 10^10 guesses, which an
/// online attacker held back by the lock-out and rate limits cannot make.
pub const MIN_STRENGTH: zxcvbn::Score = zxcvbn::Score::Three;

/// Checks a new password against the policy: at least [`MIN_LEN`] characters, three of the four
/// character classes, not containing the user name, and hard enough to guess (密码强度) by
/// zxcvbn — `Password123` has its classes but is among the first guesses of any attacker.
pub fn check_password(username: &str, password: &str) -> Result<(), PasswordPolicyError> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(PasswordPolicyError::TooShort(MIN_LEN));
    }
    if len > 128 {
        return Err(PasswordPolicyError::TooLong);
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|c| **c).count() < 3 {
        return Err(PasswordPolicyError::TooFewClasses);
    }
    if username.chars().count() >= 3 && password.to_lowercase().contains(&username.to_lowercase()) {
        return Err(PasswordPolicyError::ContainsUsername);
    }
    if zxcvbn::zxcvbn(password, &[username]).score() < MIN_STRENGTH {
        return Err(PasswordPolicyError::TooGuessable);
    }
    Ok(())
}

/// Failures allowed before the account is locked.
pub const FREE_ATTEMPTS: u32 = 5;

/// When an account with `failures` consecutive failed logins, the last one at `now`, may try
/// again. Up to [`FREE_ATTEMPTS`] failures cost nothing; after that the lock doubles from one
/// minute with each failure, capped at one day.
pub fn locked_until(failures: u32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if failures < FREE_ATTEMPTS {
        return None;
    }
    let exp = (failures - FREE_ATTEMPTS).min(11);
    let minutes = (1_i64 << exp).min(24 * 60);
    Some(now + Duration::minutes(minutes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_examples() {
        let cases = [
            ("short1A!", Err(PasswordPolicyError::TooShort(MIN_LEN))),
            ("alllowercaseletters", Err(PasswordPolicyError::TooFewClasses)),
            ("lowercase123456", Err(PasswordPolicyError::TooFewClasses)),
            ("Lowercase123456", Err(PasswordPolicyError::TooGuessable)),
            ("Password123", Err(PasswordPolicyError::TooGuessable)),
            ("Qwerty12345!", Err(PasswordPolicyError::TooGuessable)),
            ("Changzhou-2026", Ok(())),
            ("Demo-2026!", Ok(())),
            ("Kx7-vault-Lumen", Ok(())),
            ("密码很长很长Abc123", Ok(())),
            ("Zhangsan123!", Err(PasswordPolicyError::ContainsUsername)),
        ];
        for (pw, expect) in cases {
            assert_eq!(check_password("zhangsan", pw), expect, "{pw}");
        }
    }

    #[test]
    fn lockout_backs_off_and_is_capped() {
        let now = Utc::now();
        assert_eq!(locked_until(4, now), None);
        assert_eq!(locked_until(5, now), Some(now + Duration::minutes(1)));
        assert_eq!(locked_until(6, now), Some(now + Duration::minutes(2)));
        assert_eq!(locked_until(9, now), Some(now + Duration::minutes(16)));
        assert_eq!(locked_until(100, now), Some(now + Duration::minutes(24 * 60)));
    }
}
