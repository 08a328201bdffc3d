"""Analysis > Compare scenarios… and the View > Overlay of the change between them."""
