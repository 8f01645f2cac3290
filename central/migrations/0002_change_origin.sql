-- The device whose operation made a change (Change.Origin): an office record shared with the
-- office's other desks is not sent back to the desk it came from. Older rows have none.
ALTER TABLE changes ADD COLUMN origin text;
