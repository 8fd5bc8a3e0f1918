def mask_phone(phone: str | None) -> str:
    """Show a phone number as 138****5678: enough to recognise, not to dial."""
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) <= 7:
        return "*" * (len(digits) - 4) + digits[-4:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id_number(number: str | None) -> str:
    """Show an ID number as 430***********1234."""
    if not number:
        return ""
    text = number.strip()
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def mask_name(name: str | None) -> str:
    """A reporter's name as those who may not reveal it see it: 李* (the family name, one
    star for the rest), L. Si (the first initial, the family name last, as written)."""
    if not name or not name.strip():
        return ""
    text = name.strip()
    parts = text.split()
    if len(parts) > 1:
        return f"{parts[0][0]}. {parts[-1]}"
    return text[0] + "*" * (len(text) - 1)
