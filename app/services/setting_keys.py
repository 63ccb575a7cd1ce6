"""The keys of the `settings` table, in one place for every service that reads them."""

from __future__ import annotations

SHOP_NAME = "shop_name"
SHOP_ADDRESS = "shop_address"
SHOP_PHONE = "shop_phone"
SHOP_TAX_NUMBER = "shop_tax_number"
RECEIPT_FOOTER = "receipt_footer"
# Also read by migrations 013 and 022 (`dukan_shop_region`): the name is part of the schema.
PHONE_REGION = "phone_region"
CURRENCY_SYMBOL = "currency_symbol"
CURRENCY_SYMBOL_AFTER = "currency_symbol_after"
CURRENCY_DECIMALS = "currency_decimals"
NUMBER_STYLE = "number_style"
DEFAULT_PAYMENT_TERMS = "default_payment_terms"
DEFAULT_CREDIT_LIMIT = "default_credit_limit"  # minor units, so it means the same after a restart
BACKUP_FOLDER = "backup_folder"
BACKUPS_KEPT = "backups_kept"
# Set once the Settings dialog was offered on a first run, saved or not, so it opens once.
SETTINGS_OFFERED = "settings_offered"
# A random id made once per shop's file (app/services/shop_identity.py); every backup carries it,
# so backups of other shops in a shared folder are told apart from this shop's.
SHOP_ID = "shop_id"
