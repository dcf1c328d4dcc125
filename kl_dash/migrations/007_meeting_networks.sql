-- Meetings of one network. A partnership organised in networks holds some meetings in each
-- network on its own (kvalitet-2017: "fem heldagstemamøder for hver kommunalt netværk"), and a
-- municipality is expected only at the meetings of its own network.
--
-- network_id: the network whose meeting it is; NULL = a meeting for every network. It names
-- a row of networks, checked by the programme parser and the importer rather than by a
-- foreign key, as meetings.group_id is (DuckDB cannot update an indexed column of a row that
-- other tables reference, and attendance references meetings).
--
-- each_network: the plan says every network holds such a meeting, but the partnership has no
-- networks yet; once it has, the meeting is split into one meeting per network (id
-- "<id>-<network id>") and no row keeps the flag. Plain nullable columns (no NOT NULL, no
-- CHECK): DuckDB refuses to add a constraint to a table that others reference.
ALTER TABLE meetings ADD COLUMN network_id VARCHAR;
ALTER TABLE meetings ADD COLUMN each_network BOOLEAN DEFAULT false;
