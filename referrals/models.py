# Models arrive with the referrals feature.
