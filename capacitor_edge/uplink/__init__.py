"""The fleet uplink over MQTT (issue 19): the journal published to the fleet's broker, retained
state per charger and connector, and commands from the fleet (docs/mqtt.md)."""
